/* Dual-use holds at inspections: whether a truck is flagged, how long it is held, and how the
 * hold ends. Decisions only: journey.c acts on them. */
#ifndef AF_MODEL_HOLDS_H
#define AF_MODEL_HOLDS_H

#include "model/model_state.h"

/* How a hold ends. */
typedef enum hold_end_kind {
    HOLD_CLEARED,        /* the truck goes on with all its cargo */
    HOLD_PARTIAL,        /* part of the cargo is offloaded, the rest goes on */
    HOLD_REJECT_REPACK,  /* rejected: the cargo is repacked and sent again from its origin */
    HOLD_REJECT_WRITE_OFF, /* rejected: the cargo is written off */
} hold_end_kind;

typedef struct hold_end {
    hold_end_kind kind;
    double offloaded;      /* HOLD_PARTIAL: tonnes taken off the truck */
    double repack_minutes; /* HOLD_REJECT_REPACK: delay before it leaves its origin again */
} hold_end;

/* After service at inspection `ms`: the minutes truck t is held, or a negative number when it
 * is not flagged (or the inspection has no hold). */
double holds_flag(model *m, mstation *ms, const truck *t);

/* At the end of truck t's hold at inspection `ms`: how it ends. */
hold_end holds_end(model *m, mstation *ms, const truck *t);

#endif
