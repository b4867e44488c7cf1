/* gen_ait.h: what gen_ait.c (the program, its files), gen_body.c (random
 * statements and expressions) and gen_iface.c (the interface features:
 * super-interfaces, bounds, a dyn passed to a generic, default methods,
 * Self) share. */
#ifndef GEN_AIT_H
#define GEN_AIT_H

#include <stdbool.h>

enum {
    F_SPAWN, F_JOIN, F_SELECT, F_DEFER, F_TRY, F_DYN, F_GENERIC, F_LOOPS,
    F_SWITCH, F_COND_AWAIT, F_SPAWN_COND, F_ADDRESS, F_ARRAY, F_BREAK, F_JOIN_STMT,
    F_SUPER, F_BOUNDS, F_DYN_GENERIC, F_DEFAULTS, F_SELF, F_SEND_UPCAST, F_DEFAULT_BODY,
    F_SELF_STRUCT,
    F_COUNT,
};

/* Text out, '$' standing for the program's prefix: the .ait side, the
 * sequential side, both. */
void ao(const char *fmt, ...);
void so(const char *fmt, ...);
void both(const char *fmt, ...);
const char *seq_prefix(void);               /* "s3_": what $ is on the sequential side */
void so_raw(const char *text);              /* text as is, on the sequential side */

unsigned rnd(unsigned n);                   /* in [0, n) */
bool chance(unsigned percent);
bool on(int feature);
const char *new_name(const char *stem);     /* a fresh local name */
void indent(int depth);
void expr(int depth, bool await_ok);        /* an unsigned expression */

/* gen_body.c */
void body_statements(int depth, int nstmts, int awaits, int fn, bool ext_on);
void end_functions(void);

/* gen_ait.c */
char *random_body(int nstmts);

/* gen_iface.c */
bool iface_on(void);                        /* any interface feature on */
void iface_types(void);                     /* the sequential side's dyn structs */
void iface_decls(void);                     /* interfaces, impls, generics */
void iface_params(bool ait_side);           /* ", $Kc *h, dyn $Sv e" */
void iface_entry(void);                     /* the entry's kc and dyn $Sv values */
const char *iface_entry_args(void);         /* ", &kc, ea" or ", &kc, ec" */
void iface_await_head(void);                /* "await e.serve(": the caller closes it */
bool iface_plain_call(int depth, bool await_ok);
bool iface_stmt(int depth);

#endif
