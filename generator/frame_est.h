/* frame_est.h: estimated frame sizes (frame_est.c). */
#ifndef AIT_FRAME_EST_H
#define AIT_FRAME_EST_H

#include "lower.h"

typedef struct Est {
    size_t size;
    bool exact;              /* false: a lower bound (a type aitc cannot size) */
} Est;

/* Remembers every future it estimated; one per unit. */
typedef struct FrameEstimator {
    Map memo;                /* cname -> EstEntry* */
} FrameEstimator;

Est frame_estimate(FrameEstimator *fe, Fut *f);

#endif
