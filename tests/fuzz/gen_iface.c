/* gen_iface.c: the interface features of gen_ait's programs, and their
 * sequential meaning.
 *
 * Besides $Op (gen_ait.c), a program declares
 *
 *   interface $Nm { unsigned tag(void); async unsigned bump(unsigned v);
 *                   unsigned near(const Self *other);   (static calls only)
 *                   unsigned scaled(unsigned v) { default } }
 *   interface $Lb { unsigned label(void); }
 *   interface $Sv : $Nm, $Lb { async unsigned serve(unsigned v);
 *                              async unsigned served2(unsigned v) { default } }
 *
 * with impls of $Nm for $Ka (send), $Kb (send or not) and $Kc (send), of
 * $Lb for $Ka and $Kc (send), and of $Sv for $Ka (send) and $Kc (send or
 * not). Each impl overrides a default method or not, at random; the
 * sequential side writes out, per type, either the override or the
 * default body compiled for that type, so it models exactly which body
 * runs. The generics:
 *
 *   $both<C: $Op + $Sv>   only $Ka satisfies both bounds: one instance;
 *   $sp<C: $Nm + send>    spawns c->bump(v) and joins it: an instance for
 *                         each type whose $Nm impl is send, and one for
 *                         a send dyn $Nm passed to it;
 *   $nb<C: $Nm>           called on every type, on a dyn $Sv and a dyn
 *                         $Nm, and from $sg's body (bounds implied);
 *   $sg<C: $Sv>           called on $Ka, $Kc and a dyn $Sv (&e);
 *   $rg<C: $Sv>           the same, with a random body (default-body).
 *
 * The functions p<i>_f<k> get a $Kc *h and a dyn $Sv e (made of $Ka or
 * $Kc); their bodies call the methods statically, through e (dyn calls,
 * the super-interfaces' methods too), through dyn $Nm / dyn $Lb / send
 * dyn $Nm made by upcasting e or a send dyn $Sv, and the generics.
 *
 * FEATURE names: super (": $Nm, $Lb" and every call of their methods
 * through $Sv), bounds ($both, $sp), dyn-generic (a dyn passed to a
 * generic), defaults (scaled, served2 and their overrides), self (Self in
 * impl and default bodies, else the type's name or self, and near),
 * send-upcast (send dyn $Sv to send dyn $Nm, and spawning a dyn call),
 * self-struct (a local of an anonymous struct type holding a Self, in
 * $Sv's serve, and a C * in $sp), default-body ($Sv.mixed, a default,
 * and $rg<C: $Sv>, a generic, whose
 * bodies are random statements as gen_ait.c writes them, with leaf calls:
 * defer, try, loops, spawn, join, select; written out on the sequential
 * side for each type). */
#include "gen_ait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_name[3] = {"Ka", "Kb", "Kc"};

/* This program's random choices about the impls. */
static struct {
    bool scaled_over[3];            /* $Nm.scaled overridden, per type */
    bool spun_over[3];              /* $Nm.spun: a non-send impl must */
    bool served2_over[3];           /* $Sv.served2 overridden ($Ka, $Kc) */
    bool nm_send[3];                /* the $Nm impl is send */
    bool sv_send_kc;                /* the $Sv impl of $Kc is send */
    unsigned scaled_m;              /* the default bodies' constants */
    unsigned served2_c;
    unsigned spun_c;
    char *mixed;                    /* $Sv.mixed's random body, sequential text */
} P;

static bool has_sv(int t) { return t != 1; }

bool iface_on(void) {
    for (int f = F_SUPER; f <= F_SELF_STRUCT; f++)
        if (on(f))
            return true;
    return false;
}

/* "Self" where the feature is on, else type t's own name. */
static const char *self_type(int t) {
    static char buf[16];
    if (t < 0)                /* -1 - t: the name whatever the feature */
        t = -1 - t;
    else if (on(F_SELF))
        return "Self";
    snprintf(buf, sizeof buf, "$%s", type_name[t]);
    return buf;
}

void iface_types(void) {
    so("typedef struct $Kc { unsigned k; } $Kc;\n"
       "typedef struct $Nm { int which; void *self; } $Nm;\n"
       "typedef struct $Sv { int which; void *self; } $Sv;\n"
       "typedef struct $Lb { int which; void *self; } $Lb;\n");
}

/* ---- the interfaces --------------------------------------------------------- */

static void interfaces(void) {
    const char *me = on(F_SELF) ? "me" : "self";
    const char *me_decl = on(F_SELF) ? "        Self *me = self;\n" : "";
    P.scaled_m = 1 + rnd(9);
    P.served2_c = rnd(100);
    P.spun_c = rnd(100);
    ao("interface $Nm {\n    unsigned tag(void);\n    async unsigned bump(unsigned v);\n");
    if (on(F_SELF))           /* Self in a signature: static calls only */
        ao("    unsigned near(const Self *other);\n");
    if (on(F_DEFAULTS))
        ao("    unsigned scaled(unsigned v) {\n%s        return v * %uu + %s->tag()%s;\n    }\n",
           me_decl, P.scaled_m, me, on(F_SELF) ? " + self->near(me)" : "");
    if (on(F_DEFAULTS))       /* spawns self->bump: only a send impl may use it */
        ao("    async unsigned spun(unsigned v) {\n        ait_task *t = spawn self->bump(v);\n"
           "        unsigned r = 0;\n        await ait_task_join(t, &r);\n        return r + %uu;\n    }\n",
           P.spun_c);
    ao("}\n\n");
    if (on(F_SUPER))
        ao("interface $Lb {\n    unsigned label(void);\n}\n\n");
    ao("interface $Sv%s {\n    async unsigned serve(unsigned v);\n", on(F_SUPER) ? " : $Nm, $Lb" : "");
    if (on(F_DEFAULTS)) {
        ao("    async unsigned served2(unsigned v) {\n%s"
           "        unsigned w = await %s->serve(v ^ %uu);\n", me_decl, me, P.served2_c);
        if (on(F_SUPER))      /* $Nm's methods on self: static calls of the instance's type */
            ao("        return w + await %s->bump(w & 255u) + self->scaled(v) + %s->tag() + self->label();\n",
               me, me);
        else
            ao("        return w * 3u + 1u;\n");
        ao("    }\n");
    }
    if (on(F_DEFAULT_BODY)) { /* random statements, compiled for $Ka and $Kc */
        ao("    async unsigned mixed(unsigned x) {\n");
        free(P.mixed);
        P.mixed = random_body(2 + (int)rnd(3));
        ao("        return acc + await self->serve(acc & 1023u);\n    }\n");
    }
    ao("}\n\n");
}

/* The default bodies compiled for type t, on the sequential side. */
static void default_scaled(int t) {
    const char *T = type_name[t];
    so("static unsigned $%s_scaled($%s *self, unsigned v) { return v * %uu + $%s_tag(self)",
       T, T, P.scaled_m, T);
    if (on(F_SELF))
        so(" + $%s_near(self, self)", T);
    so("; }\n");
}

static void default_served2(int t) {
    const char *T = type_name[t];
    so("static unsigned $%s_served2($%s *self, unsigned v) {\n"
       "    unsigned w = $%s_serve(self, v ^ %uu);\n", T, T, T, P.served2_c);
    if (on(F_SUPER))
        so("    return w + $%s_bump(self, w & 255u) + $%s_scaled(self, v) + $%s_tag(self)"
           " + $%s_label(self);\n}\n", T, T, T, T);
    else
        so("    return w * 3u + 1u;\n}\n");
}

/* ---- the impls ----------------------------------------------------------------- */

static void impl_nm(int t) {
    const char *T = type_name[t];
    unsigned mt = 1 + rnd(9), ct = rnd(100), mb = 1 + rnd(9), cb = rnd(100), mo = 1 + rnd(9);
    int leaf = (int)rnd(4);
    ao("impl $Nm for $%s%s {\n", T, P.nm_send[t] ? " send" : "");
    ao("    unsigned tag(void) {\n        %s *me = self;\n        return me->k * %uu + %uu;\n    }\n",
       self_type(t), mt, ct);
    ao("    async unsigned bump(unsigned v) {\n        unsigned w = await $leaf%d(v + self->k);\n"
       "        return w * %uu + %uu;\n    }\n", leaf, mb, cb);
    so("static unsigned $%s_tag($%s *self) { return self->k * %uu + %uu; }\n", T, T, mt, ct);
    so("static unsigned $%s_bump($%s *self, unsigned v) { return $leaf%d(v + self->k) * %uu + %uu; }\n",
       T, T, leaf, mb, cb);
    if (on(F_SELF)) {         /* the impl may write Self or its type in the signature */
        unsigned cn = rnd(100);
        ao("    unsigned near(const %s *other) {\n        return (self->k ^ other->k) + %uu;\n    }\n",
           chance(50) ? "Self" : self_type(-1 - t), cn);
        so("static unsigned $%s_near($%s *self, const $%s *other) { return (self->k ^ other->k) + %uu; }\n",
           T, T, T, cn);
    }
    if (on(F_DEFAULTS) && P.scaled_over[t]) {
        ao("    unsigned scaled(unsigned v) {\n        %s copy = *self;\n"
           "        return v * %uu + copy.k + (unsigned)sizeof(%s);\n    }\n",
           self_type(t), mo, self_type(t));
        so("static unsigned $%s_scaled($%s *self, unsigned v) { return v * %uu + self->k + (unsigned)sizeof($%s); }\n",
           T, T, mo, T);
    } else if (on(F_DEFAULTS)) {
        default_scaled(t);
    }
    if (on(F_DEFAULTS) && P.spun_over[t]) {
        unsigned ks = rnd(100);
        ao("    async unsigned spun(unsigned v) {\n        return await self->bump(v ^ %uu) + 1u;\n    }\n", ks);
        so("static unsigned $%s_spun($%s *self, unsigned v) { return $%s_bump(self, v ^ %uu) + 1u; }\n",
           T, T, T, ks);
    } else if (on(F_DEFAULTS)) {
        so("static unsigned $%s_spun($%s *self, unsigned v) { return $%s_bump(self, v) + %uu; }\n",
           T, T, T, P.spun_c);
    }
    ao("}\n\n");
}

static void impl_lb(int t) {
    unsigned cl = rnd(100);
    ao("impl $Lb for $%s send {\n    unsigned label(void) { return self->k + %uu; }\n}\n\n",
       type_name[t], cl);
    so("static unsigned $%s_label($%s *self) { return self->k + %uu; }\n", type_name[t], type_name[t], cl);
}

static void impl_sv(int t) {
    const char *T = type_name[t];
    bool send = t == 0 || P.sv_send_kc;
    unsigned cs = rnd(100), mv = 1 + rnd(9), co = rnd(100);
    ao("impl $Sv for $%s%s {\n", T, send ? " send" : "");
    /* bump is $Nm's: a static call on a $Ka * / $Kc * */
    ao("    async unsigned serve(unsigned v) {\n        %s *me = self;\n", self_type(t));
    if (on(F_SELF_STRUCT)) {  /* structs of Self, anonymous and tagged, in the frame */
        ao("        struct { %s s; unsigned n; } sw = { *self, 2u };\n", self_type(t));
        ao("        struct sv_pair { %s s; unsigned n; };\n        struct sv_pair sq;\n"
           "        sq.s = *self;\n        sq.n = 3u;\n", self_type(t));
    }
    ao("        unsigned w = await me->bump(v ^ %uu);\n        return w + me->k * %uu%s;\n    }\n",
       cs, mv, on(F_SELF_STRUCT) ? " + sw.s.k + sw.n + sq.s.k + sq.n" : "");
    so("static unsigned $%s_serve($%s *self, unsigned v) { return $%s_bump(self, v ^ %uu) + self->k * %uu%s; }\n",
       T, T, T, cs, mv, on(F_SELF_STRUCT) ? " + self->k + 2u + self->k + 3u" : "");
    if (on(F_DEFAULTS) && P.served2_over[t]) {
        ao("    async unsigned served2(unsigned v) {\n        %s copy = *self;\n"
           "        unsigned w = await copy.serve(v + copy.k);\n        return w * 3u + %uu;\n    }\n",
           self_type(t), co);
        so("static unsigned $%s_served2($%s *self, unsigned v) { return $%s_serve(self, v + self->k) * 3u + %uu; }\n",
           T, T, T, co);
    } else if (on(F_DEFAULTS)) {
        default_served2(t);
    }
    if (on(F_DEFAULT_BODY)) {
        so("static unsigned $%s_mixed($%s *self, unsigned x) {\n", T, T);
        so_raw(P.mixed);
        so("        return acc + $%s_serve(self, acc & 1023u);\n}\n", T);
    }
    ao("}\n\n");
}

/* The sequential side's dyn calls: a switch on the impl's type. */
static void dispatch(const char *iface, const char *m, bool arg, int ntypes) {
    so("static unsigned $%s_%s($%s d%s) {\n    switch (d.which) {\n", iface, m, iface,
       arg ? ", unsigned v" : "");
    for (int t = 0; t < ntypes; t++)
        if (!strcmp(iface, "Nm") || has_sv(t))   /* $Lb: the types of $Sv */
            so("    case %d: return $%s_%s(d.self%s);\n", t, type_name[t], m, arg ? ", v" : "");
    so("    }\n    return 0;\n}\n");
}

static void dispatchers(void) {
    if (on(F_DEFAULT_BODY))
        dispatch("Sv", "mixed", true, 3);
    dispatch("Nm", "tag", false, 3);
    dispatch("Nm", "bump", true, 3);
    dispatch("Sv", "serve", true, 3);
    if (on(F_SUPER)) {
        dispatch("Sv", "tag", false, 3);
        dispatch("Sv", "bump", true, 3);
        dispatch("Sv", "label", false, 3);
        dispatch("Lb", "label", false, 3);
    }
    if (on(F_DEFAULTS)) {
        dispatch("Nm", "scaled", true, 3);
        dispatch("Sv", "served2", true, 3);
        dispatch("Nm", "spun", true, 3);
        if (on(F_SUPER)) {
            dispatch("Sv", "scaled", true, 3);
            dispatch("Sv", "spun", true, 3);
        }
    }
}

/* ---- the generics --------------------------------------------------------------- */

static void generics(void) {
    if (on(F_BOUNDS)) {
        const char *more = on(F_SUPER) ? (on(F_DEFAULTS) ? " + await c->bump(v) + c->scaled(v)"
                                                          : " + await c->bump(v)")
                                       : "";
        ao("async unsigned $both<C: $Op + $Sv>(C *c, unsigned v) {\n"
           "    return await c->apply(v) + await c->serve(v ^ 3u)%s%s;\n}\n\n", more,
           on(F_SELF) ? " + c->near(c)" : "");
        so("static unsigned $both_Ka($Ka *c, unsigned v) { return $Ka_apply(c, v) + $Ka_serve(c, v ^ 3u)");
        if (on(F_SUPER))
            so(" + $Ka_bump(c, v)%s", on(F_DEFAULTS) ? " + $Ka_scaled(c, v)" : "");
        so("%s; }\n", on(F_SELF) ? " + $Ka_near(c, c)" : "");
        bool sst = on(F_SELF_STRUCT);   /* an anonymous struct of C *, in the frame */
        ao("async unsigned $sp<C: $Nm + send>(C *c, unsigned v) {\n%s"
           "    ait_task *t = spawn c->bump(v);\n    unsigned r = 0;\n"
           "    await ait_task_join(t, &r);\n    return r + c->tag()%s;\n}\n\n",
           sst ? "    struct { C *p; unsigned n; } sw = { c, 1u };\n" : "", sst ? " + sw.n" : "");
        for (int t = 0; t < 3; t++)
            so("static unsigned $sp_%s($%s *c, unsigned v) { return $%s_bump(c, v) + $%s_tag(c)%s; }\n",
               type_name[t], type_name[t], type_name[t], type_name[t], sst ? " + 1u" : "");
        so("static unsigned $sp_dyn($Nm c, unsigned v) { return $Nm_bump(c, v) + $Nm_tag(c)%s; }\n",
           sst ? " + 1u" : "");
    }
    /* $nb<C: $Nm>: called from $sg's instances (a dyn $Sv's too) with
     * the bound implied by $Sv's, and with a dyn $Sv / dyn $Nm */
    unsigned kn = rnd(100);
    ao("async unsigned $nb<C: $Nm>(C *c, unsigned v) {\n    return await c->bump(v ^ %uu) + c->tag();\n}\n\n", kn);
    so("static unsigned $nb_dyn($Nm c, unsigned v) { return $Nm_bump(c, v ^ %uu) + $Nm_tag(c); }\n", kn);
    for (int t = 0; t < 3; t++)
        so("static unsigned $nb_%s($%s *c, unsigned v) { $Nm d = {%d, c}; return $nb_dyn(d, v); }\n",
           type_name[t], type_name[t], t);
    ao("async unsigned $sg<C: $Sv>(C *c, unsigned v) {\n    unsigned w = await c->serve(v);\n"
       "    return w%s%s;\n}\n\n", on(F_DEFAULTS) ? " + await c->served2(w & 1023u)" : "",
       on(F_SUPER) ? " + await c->bump(v) + c->tag() + c->label() + await $nb(c, w)" : "");
    so("static unsigned $sg_dyn($Sv c, unsigned v) {\n    unsigned w = $Sv_serve(c, v);\n"
       "    $Nm n = {c.which, c.self}; (void)n;\n"
       "    return w%s%s;\n}\n", on(F_DEFAULTS) ? " + $Sv_served2(c, w & 1023u)" : "",
       on(F_SUPER) ? " + $Sv_bump(c, v) + $Sv_tag(c) + $Sv_label(c) + $nb_dyn(n, w)" : "");
    if (on(F_DEFAULT_BODY)) {  /* $rg<C: $Sv>: random statements, per instance */
        ao("async unsigned $rg<C: $Sv>(C *c, unsigned x) {\n");
        char *body = random_body(2 + (int)rnd(3));
        ao("        return acc + await c->serve(acc & 1023u);\n}\n\n");
        so("static unsigned $rg_dyn($Sv c, unsigned x) {\n");
        so_raw(body);
        so("        return acc + $Sv_serve(c, acc & 1023u);\n}\n");
        free(body);
        for (int t = 0; t < 3; t += 2)
            so("static unsigned $rg_%s($%s *c, unsigned v) { $Sv d = {%d, c}; return $rg_dyn(d, v); }\n",
               type_name[t], type_name[t], t);
    }
    for (int t = 0; t < 3; t += 2)
        so("static unsigned $sg_%s($%s *c, unsigned v) { $Sv d = {%d, c}; return $sg_dyn(d, v); }\n",
           type_name[t], type_name[t], t);
    so("static unsigned $gen_dyn($Op d, unsigned v) { return $Op_apply(d, v ^ 5u) + $Op_twice(d, v); }\n");
}

void iface_decls(void) {
    for (int t = 0; t < 3; t++)
        P.scaled_over[t] = chance(50), P.served2_over[t] = chance(50), P.spun_over[t] = chance(50);
    P.nm_send[0] = P.nm_send[2] = true;
    P.nm_send[1] = chance(50);
    if (!P.nm_send[1])
        P.spun_over[1] = true;
    P.sv_send_kc = chance(50);
    interfaces();
    for (int t = 0; t < 3; t++) {     /* split: each impl in p<i>.ait or p<i>_b.ait */
        to_file(split_impl_file(SPLIT_NM, t));
        impl_nm(t);
    }
    for (int t = 0; on(F_SUPER) && t < 3; t += 2) {
        to_file(split_impl_file(SPLIT_LB, t));
        impl_lb(t);
    }
    for (int t = 0; t < 3; t += 2) {
        to_file(split_impl_file(SPLIT_SV, t));
        impl_sv(t);
    }
    to_file(0);
    dispatchers();
    generics();
}

/* ---- the functions' parameters and the entry ------------------------------------ */

void iface_params(bool ait_side) {
    if (ait_side)
        ao(", $Kc *h, dyn $Sv e");
    else
        so(", $Kc *h, $Sv e");
}

void iface_entry(void) {
    unsigned k = rnd(100);
    ao("    $Kc kc = {%uu};\n    dyn $Sv ea = $Ka_as_$Sv(&ka);\n    dyn $Sv ec = $Kc_as_$Sv(&kc);\n", k);
    so("    $Kc kc = {%uu};\n    $Sv ea = {0, &ka};\n    $Sv ec = {2, &kc};\n", k);
    both("    (void)ea; (void)ec;\n");
}

const char *iface_entry_args(void) {
    return chance(50) ? ", &kc, ea" : ", &kc, ec";
}

/* ---- calls in the functions' bodies ------------------------------------------------ */

/* A receiver with its $Sv impl: a (a $Ka *) or h (a $Kc *). */
static int sv_receiver(void) { return chance(50) ? 0 : 2; }

static const char *recv_name(int t) { return t == 0 ? "a" : t == 1 ? "b" : "h"; }

void iface_await_head(void) {
    for (;;) {
        int t = sv_receiver();
        switch (rnd(10)) {
        case 0:
            if (on(F_DEFAULT_BODY) && chance(50)) {
                if (chance(50)) {
                    ao("await e.mixed(");
                    so("$Sv_mixed(e, ");
                } else {
                    ao("await %s->mixed(", recv_name(t));
                    so("$%s_mixed(%s, ", type_name[t], recv_name(t));
                }
                return;
            }
            ao("await e.serve(");
            so("$Sv_serve(e, ");
            return;
        case 1:
            ao("await %s->serve(", recv_name(t));
            so("$%s_serve(%s, ", type_name[t], recv_name(t));
            return;
        case 2:
            if (!on(F_DEFAULTS))
                break;
            if (chance(40)) {         /* the default that spawns, or its override */
                if (on(F_SUPER) && chance(50)) {
                    ao("await e.spun(");
                    so("$Sv_spun(e, ");
                } else {
                    t = (int)rnd(3);
                    ao("await %s->spun(", recv_name(t));
                    so("$%s_spun(%s, ", type_name[t], recv_name(t));
                }
            } else if (chance(50)) {
                ao("await e.served2(");
                so("$Sv_served2(e, ");
            } else {
                ao("await %s->served2(", recv_name(t));
                so("$%s_served2(%s, ", type_name[t], recv_name(t));
            }
            return;
        case 3:
            if (!on(F_SUPER))
                break;
            ao("await e.bump(");          /* $Nm's method through a dyn $Sv */
            so("$Sv_bump(e, ");
            return;
        case 4:
            t = (int)rnd(3);
            ao("await %s->bump(", recv_name(t));
            so("$%s_bump(%s, ", type_name[t], recv_name(t));
            return;
        case 5:
            if (!on(F_BOUNDS))
                break;
            ao("await $both(a, ");
            so("$both_Ka(a, ");
            return;
        case 6:
            if (!on(F_BOUNDS))
                break;
            t = (int)rnd(3);
            if (!P.nm_send[t])
                t = 0;
            ao("await $sp(%s, ", recv_name(t));
            so("$sp_%s(%s, ", type_name[t], recv_name(t));
            return;
        case 7:
            if (chance(30)) {
                t = (int)rnd(3);
                ao("await $nb(%s, ", recv_name(t));
                so("$nb_%s(%s, ", type_name[t], recv_name(t));
                return;
            }
            if (on(F_DEFAULT_BODY) && chance(50)) {
                if (on(F_DYN_GENERIC) && chance(50)) {
                    ao("await $rg(&e, ");
                    so("$rg_dyn(e, ");
                } else {
                    ao("await $rg(%s, ", recv_name(t));
                    so("$rg_%s(%s, ", type_name[t], recv_name(t));
                }
                return;
            }
            ao("await $sg(%s, ", recv_name(t));
            so("$sg_%s(%s, ", type_name[t], recv_name(t));
            return;
        case 8:
            if (!on(F_DYN_GENERIC))
                break;
            ao("await $sg(&e, ");         /* $sg_$Sv_dyn */
            so("$sg_dyn(e, ");
            return;
        default:
            if (!on(F_DYN_GENERIC))
                break;
            if (on(F_SUPER) && chance(50)) {
                ao("await $nb(&e, ");     /* a dyn $Sv for <C: $Nm>: $nb_$Sv_dyn */
                so("$nb_dyn(($Nm){e.which, e.self}, ");
            } else {
                ao("await $gen(&d, ");    /* $gen_$Op_dyn */
                so("$gen_dyn(d, ");
            }
            return;
        }
    }
}

/* A plain method call as a value: tag() and scaled(...), statically and
 * through e. */
bool iface_plain_call(int depth, bool await_ok) {
    int t = (int)rnd(3);
    switch (rnd(6)) {
    case 4:
        if (!on(F_SELF))
            return false;
        ao("%s->near(%s)", recv_name(t), recv_name(t));
        so("$%s_near(%s, %s)", type_name[t], recv_name(t), recv_name(t));
        return true;
    case 5:
        if (!on(F_SUPER))
            return false;
        ao("e.label()");          /* the second super-interface's method */
        so("$Sv_label(e)");
        return true;
    case 0:
        ao("%s->tag()", recv_name(t));
        so("$%s_tag(%s)", type_name[t], recv_name(t));
        return true;
    case 1:
        if (!on(F_SUPER))
            return false;
        ao("e.tag()");
        so("$Sv_tag(e)");
        return true;
    case 2:
        if (!on(F_DEFAULTS))
            return false;
        ao("%s->scaled(", recv_name(t));
        so("$%s_scaled(%s, ", type_name[t], recv_name(t));
        break;
    default:
        if (!on(F_DEFAULTS) || !on(F_SUPER))
            return false;
        ao("e.scaled(");
        so("$Sv_scaled(e, ");
        break;
    }
    expr(depth - 1, await_ok);
    both(")");
    return true;
}

/* ---- statements --------------------------------------------------------------------- */

/* { dyn $Nm n = $Sv_dyn_as_$Nm(e); acc += await n.bump(E) + n.tag() ...; } */
static void stmt_upcast(int depth) {
    const char *n = new_name("nm");
    indent(depth);
    if (chance(30)) {         /* to the second super-interface */
        ao("{ dyn $Lb %s = $Sv_dyn_as_$Lb(e); acc += %s.label(); }\n", n, n);
        so("{ $Lb %s = {e.which, e.self}; acc += $Lb_label(%s); }\n", n, n);
        return;
    }
    ao("{ dyn $Nm %s = $Sv_dyn_as_$Nm(e); acc += await %s.bump(", n, n);
    so("{ $Nm %s = {e.which, e.self}; acc += $Nm_bump(%s, ", n, n);
    expr(1, true);
    ao(") + %s.tag()", n);
    so(") + $Nm_tag(%s)", n);
    if (on(F_DEFAULTS)) {
        ao(" + %s.scaled(", n);
        so(" + $Nm_scaled(%s, ", n);
        expr(1, true);
        both(")");
    }
    if (on(F_DYN_GENERIC)) {
        ao(" + await $nb(&%s, ", n);      /* $nb_$Nm_dyn */
        so(" + $nb_dyn(%s, ", n);
        expr(1, true);
        both(")");
    }
    both("; }\n");
}

/* A send dyn $Sv made of a send impl, upcast to a send dyn $Nm whose
 * bump is spawned (a send dyn call) and joined; with dyn-generic and
 * bounds, the send dyn $Nm also goes to $sp<C: $Nm + send>. */
static void stmt_send_upcast(int depth) {
    int t = P.sv_send_kc && chance(50) ? 2 : 0;
    const char *s = new_name("ss"), *n = new_name("sn"), *tk = new_name("stk"), *r = new_name("sr");
    indent(depth);
    both("{\n");
    indent(depth + 1);
    ao("send dyn $Sv %s = $%s_as_$Sv_send(%s);\n", s, type_name[t], recv_name(t));
    indent(depth + 1);
    ao("send dyn $Nm %s = $Sv_send_dyn_as_$Nm_send(%s);\n", n, s);
    so("$Nm %s = {%d, %s};\n", n, t, recv_name(t));
    indent(depth + 1);
    ao("ait_task *%s = spawn %s.bump(", tk, n);
    so("unsigned %s = $Nm_bump(%s, ", r, n);
    expr(1, true);
    both(");\n");
    indent(depth + 1);
    ao("unsigned %s = 0;\n", r);
    indent(depth + 1);
    ao("await ait_task_join(%s, &%s);\n", tk, r);
    indent(depth + 1);
    both("acc += %s", r);
    if (on(F_BOUNDS) && on(F_DYN_GENERIC)) {
        /* $sp_$Nm_send_dyn, or $sp_$Sv_send_dyn: a send dyn of an
         * interface that extends the bound */
        bool sub = chance(50);
        ao(" + await $sp(&%s, ", sub ? s : n);
        so(" + $sp_dyn(%s, ", n);
        expr(1, true);
        both(")");
    }
    both(";\n");
    indent(depth);
    both("}\n");
}

bool iface_stmt(int depth) {
    if (on(F_SEND_UPCAST) && on(F_SUPER) && chance(40)) {
        stmt_send_upcast(depth);
        return true;
    }
    if (on(F_SUPER)) {
        stmt_upcast(depth);
        return true;
    }
    return false;
}
