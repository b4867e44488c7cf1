/* check_graph.h: checks over the graph of which future awaits which
 * (check_graph.c). */
#ifndef AIT_CHECK_GRAPH_H
#define AIT_CHECK_GRAPH_H

#include "sema.h"

/* Recursion through static frames, send; false on errors. */
bool check_graph(Sema *s);
/* A note naming the instance f of a default or generic body, if it is one. */
void note_instance(Fut *f, Loc at);
/* FUT_DYN: the impl futures its inline storage holds. */
void sema_inline_impls(Fut *d, Vec *out);
/* The futures whose frames f's frame embeds. */
void sema_frame_edges(Fut *f, Vec *out);

#endif
