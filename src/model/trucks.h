/* The truck pool, trucks waiting in arrival order, and the lines of trucks at stations. */
#ifndef AF_MODEL_TRUCKS_H
#define AF_MODEL_TRUCKS_H

#include "model/model_state.h"

/* A truck from the pool, zeroed and alive; NO_TRUCK when out of memory (or ids). */
uint32_t trucks_new(model *m);
/* Back to the pool; the truck must be alive. */
void trucks_free(model *m, uint32_t id);
/* Tonnes on live trucks, summed truck by truck (independent of the ledger). */
double trucks_tonnes_in_system(const model *m);

/* Puts truck `id` (its waiting_since set, no earlier than any in the line) in its place in
 * line `l`: after every truck that arrived before it or at the same time with a lower id. */
void line_insert(model *m, truck_line *l, uint32_t id);
/* Takes truck `id` out of line `l`, which it must be in. */
void line_remove(model *m, truck_line *l, uint32_t id);

/* Appends a truck; false when out of memory (the FIFO is unchanged). */
bool fifo_push(truck_fifo *f, uint32_t id);
/* The truck first in; the FIFO must not be empty. */
uint32_t fifo_pop(truck_fifo *f);
/* The truck first in, left in place; the FIFO must not be empty. */
uint32_t fifo_head(const truck_fifo *f);

#endif
