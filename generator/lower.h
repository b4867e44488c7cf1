/* lower.h: the state machine of one async body, as the lowering leaves
 * it for the emitter.
 *
 * The lowered body is the user's tree with every await and try hoisted
 * out of expressions into statements of their own (S_AWAIT, and an
 * S_IF/S_RETURN for try), loops whose condition awaits rewritten to
 * for (;;), and annotations (ast.h: Stmt.await, .spawn, .defers,
 * .defer_flag).
 * A variable keeps its name: it is a C local of the poll function, saved
 * to its frame field when the poll suspends while it is live and
 * restored where the poll resumes (AwaitPoint.keep). Variables whose
 * address escapes, arrays, const objects and shadowed names that must
 * be kept live in their frame field instead (Var.resident). */
#ifndef AIT_LOWER_H
#define AIT_LOWER_H

#include "sema.h"

struct AwaitPoint {
    int state;               /* 1..n: the state while suspended here */
    Expr *await;             /* E_AWAIT; await->lhs is the call, with its Target */
    Comb *comb;              /* join/select: several calls awaited together */
    Var *temp;               /* receives the output */
    Vec unwind;              /* Stmt*: S_DEFERs to run if dropped here, in order */
    const char *field;       /* the sub-future's frame field: "ait_aw3" */
    const char *frame_type;  /* "get_frame" */
    Vec live;                /* Var*: read after resuming before written (liveness.c) */
    Vec unassigned;          /* Var*: declared without initializer, maybe not yet written
                                when the poll suspends here (liveness.c) */
    Vec keep;                /* Var*: C locals saved when suspending here, restored when
                                resuming (parameters come back as F_ait_run's arguments) */
    Vec crossing;            /* Var*: every user variable held across it (--frame-report) */
};

/* spawn CALL: the task is started at once; the handle goes to temp. */
struct SpawnPoint {
    Expr *spawn;             /* E_SPAWN; spawn->lhs is the call, with its Target */
    Var *temp;               /* ait_task * */
    Vec unwind;              /* S_DEFERs to run if the spawn fails */
};

/* A node of the frame layout: a block's variables, then a union of the
 * layouts of its child blocks (siblings never live at the same time). */
typedef struct Layout {
    Vec vars;                /* Var* in the frame, declared in this block */
    Vec kids;                /* Layout* with something in them */
} Layout;

struct Lowered {
    Stmt *body;
    Vec points;              /* AwaitPoint*, index = state - 1 */
    int ndefers;             /* armed flags ait_defer1..N in the frame */
    Layout *layout;
};

/* lower.c: lowers f's body (f->low). */
void lower_fut(Sema *s, Fut *f);
/* Does the variable name an array? */
bool var_is_array(Var *v);
/* The variables s mentions, each once, in order of first mention. */
void stmt_vars(Stmt *s, Vec *out);

/* hoist.c: pass 1, the body with awaits, trys and spawns hoisted. */
Stmt *hoist_body(Sema *s, Fut *f, Lowered *low);

/* liveness.c: fills AwaitPoint.live and .unassigned; marks Var.addr_taken.
 * A variable whose name is in macro_words is live wherever it is in scope
 * (a macro may read it anywhere). */
void liveness(Fut *f, Lowered *low, Map *macro_words);

#endif
