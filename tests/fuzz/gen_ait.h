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
    F_SELF_STRUCT, F_SPLIT,
    F_COUNT,
};

/* Text out, '$' standing for the program's prefix: the .ait side, the
 * sequential side, both. */
void ao(const char *fmt, ...);
void so(const char *fmt, ...);
void both(const char *fmt, ...);
void mo(const char *fmt, ...);              /* main.c, checks of grouped programs */
void main_line(const char *fmt, ...);       /* main.c's main, after the program's entry */
void ref_main_line(const char *fmt, ...);   /* ref.c's */
void to_file(int k);                        /* ao()'s file: 0 p<i>.ait, 1 p<i>_b.ait, 2 p<i>_c.ait */
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
void op_seq_derived(const char *type);      /* sequential $T_twice, $gen_T */

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

/* gen_split.c: a program over two or three files */
enum { SPLIT_OP, SPLIT_NM, SPLIT_LB, SPLIT_SV };
void split_begin(int prog, int nfuncs, bool split);  /* draws where things go */
bool split_on(void);                        /* this program is split */
int split_nfiles(void);                     /* 1 when it is not */
int split_impl_file(int iface, int type);   /* the file of impl iface for type (0 Ka, 1 Kb, 2 Kc) */
void split_impls(void);                     /* more impls of $Op, the sequential dispatchers */
void split_ext(bool ext);                   /* after the interface features' declarations */
void split_to_function(int f);              /* to the file of p<i>_f<f> */
bool split_stmt(int depth);                 /* dyn $Op of other files' types in a body */
void split_entry(void);                     /* the entry's objects of the new types */
const char *split_entry_dyn(const char *d); /* the d an f<k> gets: d, or one of those */
const char *split_entry_id(void);           /* " + $Op_id(dd)" or "" */
void split_end(bool ext);                   /* $probe, main.c's checks */

#endif
