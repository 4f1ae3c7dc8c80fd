#include "scenario/schema.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "aidflow/scenario.h"
#include "scenario/bind.h"
#include "scenario/units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OFF(type, member) offsetof(type, member)

/* ---- enums -------------------------------------------------------------------------------- */

static const char *const discipline_names[] = {"fcfs", "priority"};
static const int discipline_values[] = {AF_QUEUE_FCFS, AF_QUEUE_PRIORITY};
static const enum_table discipline_enum = {discipline_names, discipline_values, 2};

static const char *const closing_names[] = {"finish", "suspend"};
static const int closing_values[] = {AF_WIP_FINISH, AF_WIP_SUSPEND};
static const enum_table closing_enum = {closing_names, closing_values, 2};

static const char *const policy_names[] = {"fixed_shares", "shortest_delay",
                                           "reroute_on_closure", "shares_within"};
static const int policy_values[] = {AF_SCN_FIXED_SHARES, AF_SCN_SHORTEST_DELAY,
                                    AF_SCN_REROUTE_ON_CLOSURE, AF_SCN_SHARES_WITHIN};
static const enum_table policy_enum = {policy_names, policy_values, 4};

static const char *const on_closure_names[] = {"wait", "divert", "return"};
static const int on_closure_values[] = {AF_SCN_CLOSURE_WAIT, AF_SCN_CLOSURE_DIVERT,
                                        AF_SCN_CLOSURE_RETURN};
static const enum_table on_closure_enum = {on_closure_names, on_closure_values, 3};

static const char *const sender_names[] = {"humanitarian", "commercial"};
static const int sender_values[] = {AF_SCN_HUMANITARIAN, AF_SCN_COMMERCIAL};
static const enum_table sender_enum = {sender_names, sender_values, 2};

_Static_assert(sizeof sender_names / sizeof *sender_names == AF_SCN_N_SENDERS &&
                   AF_SCN_HUMANITARIAN == 0 && AF_SCN_COMMERCIAL == 1,
               "sender_names is indexed by af_scn_sender");

const char *af_scn_sender_name(int sender)
{
    return sender >= 0 && sender < AF_SCN_N_SENDERS ? sender_names[sender] : "";
}

static const char *const reject_names[] = {"redispatch", "write_off"};
static const int reject_values[] = {AF_SCN_REDISPATCH, AF_SCN_WRITE_OFF};
static const enum_table reject_enum = {reject_names, reject_values, 2};

/* ---- quantities --------------------------------------------------------------------------- */

static const unit_kind k_duration = UNIT_DURATION, k_rate = UNIT_RATE, k_mass = UNIT_MASS,
                       k_mass_rate = UNIT_MASS_RATE, k_fraction = UNIT_FRACTION;

/* Elements of category tables: bound at offset 0 of one array entry. */
static const field elem_mass = {"", bind_quantity, 0, 0, 0, NULL, "t", 0, 1e9, SH_SCALAR,
                                NULL, &k_mass, "mass"};
static const field elem_mass_rate = {"", bind_quantity, 0, 0, 0, NULL, "t/d", 0, 1e9, SH_SCALAR,
                                     NULL, &k_mass_rate, "mass per day"};
static const field elem_trucks = {"", bind_quantity, 0, 0, 0, NULL, "/d", 0, 1e6, SH_SCALAR,
                                  NULL, &k_rate, "rate"};
static const field elem_fraction = {"", bind_quantity, 0, 0, 0, NULL, NULL, 0, 1, SH_SCALAR,
                                    NULL, &k_fraction, "probability"};
static const field elem_service = {"", bind_dist, 0, 0, 0, NULL, "min", 0, 0, SH_VARIANT, NULL,
                                   NULL, "distribution"};
static const field elem_days = {"", bind_quantity, 0, 0, 0, NULL, "d", 0, 3650.0 * 1440,
                                SH_SCALAR, NULL, &k_duration, "duration"};
static const table_spec t_mass = {&elem_mass};
static const table_spec t_days = {&elem_days};
static const table_spec t_mass_rate = {&elem_mass_rate};
static const table_spec t_trucks = {&elem_trucks};
static const table_spec t_fraction = {&elem_fraction};
static const table_spec t_service = {&elem_service};

/* ---- references --------------------------------------------------------------------------- */

static const ref_spec r_region = {NS_REGION, "region", 0, false};
static const ref_spec r_hold = {NS_HOLD, "hold", 0, false};
static const ref_spec r_node = {NS_NODE, "node", 0, false};
static const ref_spec r_origin = {NS_NODE, "origin", 1 << AF_SCN_ORIGIN, true};
static const ref_spec r_hub = {NS_NODE, "hub", 1 << AF_SCN_HUB, true};
static const ref_spec r_via = {NS_NODE, "inspection or crossing",
                               (1 << AF_SCN_INSPECTION) | (1 << AF_SCN_CROSSING), false};

/* ---- records ------------------------------------------------------------------------------ */

static void init_inspection(void *item)
{
    ((af_scn_inspection *)item)->hold = AF_SCN_NONE;
}

static const field report_fields[] = {
    {"coverage_target", bind_quantity, OFF(af_scenario, coverage_target), 0, 0, "1", NULL, 0, 1,
     SH_SCALAR, NULL, &k_fraction, "probability"},
    {"confidence", bind_quantity, OFF(af_scenario, confidence), 0, F_LO_OPEN, "0.95", NULL, 0,
     0.999, SH_SCALAR, NULL, &k_fraction, "probability"},
};
static const record rec_report = {"report", "the report settings", report_fields,
                                  N(report_fields), NULL, NULL, false, NULL, NULL};

static const field routing_fields[] = {
    {"policy", bind_enum, OFF(af_scenario, policy), 0, 0, "fixed_shares", NULL, 0, 0, SH_SCALAR,
     NULL, &policy_enum, "fixed_shares, shortest_delay, reroute_on_closure or shares_within"},
    {"tolerance", bind_quantity, OFF(af_scenario, policy_tolerance), 0, 0, "0 min", "min", 0,
     1e7, SH_SCALAR, NULL, &k_duration, "duration"},
    {"on_closure", bind_enum, OFF(af_scenario, on_closure), 0, 0, "divert", NULL, 0, 0,
     SH_SCALAR, NULL, &on_closure_enum, "wait, divert or return"},
    {"patience", bind_quantity, OFF(af_scenario, patience), 0, 0, "6 h", "min", 0, 1e7,
     SH_SCALAR, NULL, &k_duration, "duration"},
};
static const record rec_routing = {"routing", "the routing settings", routing_fields,
                                   N(routing_fields), NULL, NULL, false, NULL, NULL};

static const field category_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"tonnes_per_truck", bind_quantity, OFF(af_scn_category, tonnes_per_truck), 0,
     F_REQUIRED | F_LO_OPEN, NULL, "t", 0, 100, SH_SCALAR, NULL, &k_mass, "mass"},
    {"daily_need", bind_quantity, OFF(af_scn_category, daily_need), 0, F_REQUIRED, NULL, "kg", 0,
     0.1, SH_SCALAR, NULL, &k_mass, "mass"},
    {"dual_use", bind_quantity, OFF(af_scn_category, dual_use), 0, 0, "0", NULL, 0, 1, SH_SCALAR,
     NULL, &k_fraction, "probability"},
    {"priority", bind_int, OFF(af_scn_category, priority), 0, 0, "0", NULL, -1000, 1000,
     SH_SCALAR, NULL, NULL, "whole number"},
    {"shelf_life", bind_days, OFF(af_scn_category, shelf_life_days), 0, F_NONE_OK, "none", "d",
     1, 36500, SH_SCALAR, NULL, NULL, "duration or none"},
};
static const record rec_category = {"category", "a category", category_fields,
                                    N(category_fields), NULL, NULL, false, NULL, NULL};

static const field shift_fields[] = {
    {"date", bind_date_day, OFF(af_scn_shift, day), 0, F_REQUIRED | F_AFTER_START, NULL, NULL, 0,
     0, SH_SCALAR, NULL, NULL, "date"},
    {"to", bind_ref, OFF(af_scn_shift, to), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &r_region, "region name"},
    {"people", bind_count, OFF(af_scn_shift, people), 0, F_LO_OPEN, NULL, NULL, 0, 1e9,
     SH_SCALAR, NULL, NULL, "whole number"},
    {"share", bind_quantity, OFF(af_scn_shift, share), 0, 0, NULL, NULL, 0, 1, SH_SCALAR, NULL,
     &k_fraction, "probability"},
};
static const record rec_shift = {"shift", "a population shift", shift_fields, N(shift_fields),
                                 NULL, NULL, false, NULL, check_shift};
static const list_spec l_shift = {-1, sizeof(af_scn_shift), -1, -1, 0, 0, false};

static const field region_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"population", bind_count, OFF(af_scn_region, population), 0, F_REQUIRED, NULL, NULL, 0, 1e9,
     SH_SCALAR, NULL, NULL, "whole number"},
    {"shifts", bind_record_list, OFF(af_scn_region, shifts), AUX(af_scn_region, n_shifts), 0,
     "[]", NULL, 0, 0, SH_LIST, &rec_shift, &l_shift, "list of shifts"},
    {"local_supply", bind_cat_numbers, OFF(af_scn_region, local_supply), 0, 0, "{}", NULL, 0, 0,
     SH_TABLE, NULL, &t_mass, "category table of masses"},
    {"stock_days", bind_cat_numbers, OFF(af_scn_region, stock_days), 0, 0, "{}", NULL, 0, 0,
     SH_TABLE, NULL, &t_days, "category table of durations"},
};
static const record rec_region = {"region", "a region", region_fields, N(region_fields), NULL,
                                  NULL, false, NULL, NULL};

static const field hub_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"serves", bind_ref_list, OFF(af_scn_hub, serves), AUX(af_scn_hub, n_serves), F_REQUIRED,
     NULL, NULL, 0, 0, SH_LIST, NULL, &r_region, "list of region names"},
    {"stock", bind_cat_numbers, OFF(af_scn_hub, stock), 0, 0, "{}", NULL, 0, 0, SH_TABLE, NULL,
     &t_mass, "category table of masses"},
    {"capacity", bind_quantity, OFF(af_scn_hub, capacity), 0, F_NONE_OK | F_LO_OPEN, "none", "t",
     0, 1e9, SH_SCALAR, NULL, &k_mass, "mass or none"},
    {"distribution", bind_quantity, OFF(af_scn_hub, distribution), 0, F_NONE_OK | F_LO_OPEN,
     "none", "t/d", 0, 1e9, SH_SCALAR, NULL, &k_mass_rate, "mass per time or none"},
};
static const record rec_hub = {"hub", "a hub", hub_fields, N(hub_fields), NULL, NULL, false,
                               NULL, NULL};

static const field plan_fields[] = {
    {"from", bind_date_day, OFF(af_scn_plan_step, day), 0, F_REQUIRED, NULL, NULL, 0, 0,
     SH_SCALAR, NULL, NULL, "date"},
    {"trucks", bind_cat_numbers, OFF(af_scn_plan_step, trucks), 0, F_REQUIRED, NULL, NULL, 0, 0,
     SH_TABLE, NULL, &t_trucks, "category table of rates"},
};
static const record rec_plan = {"plan_step", "a plan step", plan_fields, N(plan_fields), NULL,
                                NULL, false, NULL, NULL};
static const list_spec l_plan = {-1, sizeof(af_scn_plan_step), -1, -1, 0, 0, true};

static const field yard_fields[] = {
    {"capacity", bind_size, OFF(af_scn_origin, yard_capacity), 0, F_REQUIRED, NULL, NULL, 1, 1e7,
     SH_SCALAR, NULL, NULL, "whole number"},
};
static const record rec_yard = {"yard", "the yard", yard_fields, N(yard_fields), NULL, NULL,
                                false, NULL, NULL};

static const field origin_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"dispatch", bind_dispatch, 0, 0, 0, "poisson", NULL, 0, 0, SH_VARIANT, NULL, NULL,
     "poisson or HH:MM-HH:MM"},
    {"plan", bind_record_list, OFF(af_scn_origin, steps), AUX(af_scn_origin, n_steps),
     F_REQUIRED, NULL, NULL, 0, 0, SH_LIST, &rec_plan, &l_plan, "list of plan steps"},
    {"stock", bind_cat_numbers, OFF(af_scn_origin, stock), AUX(af_scn_origin, has_stock), 0,
     NULL, NULL, 0, 0, SH_TABLE, NULL, &t_mass, "category table of masses"},
    {"replenish", bind_cat_numbers, OFF(af_scn_origin, replenish), 0, 0, NULL, NULL, 0, 0,
     SH_TABLE, NULL, &t_mass_rate, "category table of masses per day"},
    {"policy", bind_enum, OFF(af_scn_origin, policy), 0, 0, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &policy_enum, "fixed_shares, shortest_delay, reroute_on_closure or shares_within"},
    {"tolerance", bind_quantity, OFF(af_scn_origin, policy_tolerance), 0, 0, NULL, "min", 0,
     1e7, SH_SCALAR, NULL, &k_duration, "duration"},
    {"on_closure", bind_enum, OFF(af_scn_origin, on_closure), 0, 0, NULL, NULL, 0, 0, SH_SCALAR,
     NULL, &on_closure_enum, "wait, divert or return"},
    {"patience", bind_quantity, OFF(af_scn_origin, patience), 0, 0, NULL, "min", 0, 1e7,
     SH_SCALAR, NULL, &k_duration, "duration"},
    {"sender", bind_enum, OFF(af_scn_origin, sender), 0, 0, "humanitarian", NULL, 0, 0,
     SH_SCALAR, NULL, &sender_enum, "humanitarian or commercial"},
    {"reaches_people", bind_cat_numbers, OFF(af_scn_origin, reaches_people), 0, F_UNSET_NAN,
     NULL, NULL, 0, 0, SH_TABLE, NULL, &t_fraction, "category table of probabilities"},
    {"yard", bind_subrecord, 0, AUX(af_scn_origin, has_yard), 0, NULL, NULL, 0, 0, SH_RECORD,
     &rec_yard, NULL, "mapping"},
};
static void init_origin(void *item)
{
    ((af_scn_origin *)item)->policy = AF_SCN_POLICY_OF_SCENARIO;
    ((af_scn_origin *)item)->policy_tolerance = NAN;
    ((af_scn_origin *)item)->on_closure = AF_SCN_POLICY_OF_SCENARIO;
    ((af_scn_origin *)item)->patience = NAN;
}
static const record rec_origin = {"origin", "an origin", origin_fields, N(origin_fields), NULL,
                                  NULL, false, init_origin, check_origin};

static const field random_closure_fields[] = {
    {"rate", bind_quantity, OFF(af_scn_station, closure_rate), 0, F_REQUIRED | F_LO_OPEN, NULL,
     "/d", 0, 1440, SH_SCALAR, NULL, &k_rate, "rate"},
    {"duration", bind_dist, OFF(af_scn_station, closure_duration), 0, F_REQUIRED, NULL, "min", 0,
     0, SH_VARIANT, NULL, NULL, "distribution"},
};
static const record rec_random_closures = {"random_closures", "the random closures",
                                           random_closure_fields, N(random_closure_fields), NULL,
                                           NULL, false, NULL, NULL};

static const field station_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"lanes", bind_unsigned, OFF(af_scn_station, lanes), 0, F_REQUIRED, NULL, NULL, 1, 10000,
     SH_SCALAR, NULL, NULL, "whole number"},
    {"service", bind_dist, OFF(af_scn_station, service), 0, F_REQUIRED, NULL, "min", 0, 0,
     SH_VARIANT, NULL, NULL, "distribution"},
    {"service_by_category", bind_cat_dists, OFF(af_scn_station, category_service),
     AUX(af_scn_station, has_category_service), 0, "{}", NULL, 0, 0, SH_TABLE, NULL, &t_service,
     "category table of distributions"},
    {"hours", bind_hours, OFF(af_scn_station, hours), 0, 0, "always", NULL, 0, 0, SH_VARIANT,
     NULL, NULL, "hours"},
    {"closures", bind_closures, OFF(af_scn_station, closures), AUX(af_scn_station, n_closures), 0,
     "[]", NULL, 0, 0, SH_LIST, NULL, NULL, "list of closures"},
    {"random_closures", bind_subrecord, 0, AUX(af_scn_station, has_random_closures), 0, NULL,
     NULL, 0, 0, SH_RECORD, &rec_random_closures, NULL, "mapping"},
    {"daily_cap", bind_u32, OFF(af_scn_station, daily_cap), 0, F_NONE_OK, "none", NULL, 1, 1e6,
     SH_SCALAR, NULL, NULL, "whole number or none"},
    {"queue_limit", bind_size, OFF(af_scn_station, queue_limit), 0, F_NONE_OK, "none", NULL, 1,
     1e7, SH_SCALAR, NULL, NULL, "whole number or none"},
    {"discipline", bind_enum, OFF(af_scn_station, discipline), 0, 0, "fcfs", NULL, 0, 0,
     SH_SCALAR, NULL, &discipline_enum, "fcfs or priority"},
    {"at_closing", bind_enum, OFF(af_scn_station, at_closing), 0, 0, "finish", NULL, 0, 0,
     SH_SCALAR, NULL, &closing_enum, "finish or suspend"},
    {"opens", bind_instant, OFF(af_scn_station, opens), AUX(af_scn_station, has_opens), 0, NULL,
     NULL, 0, 0, SH_SCALAR, NULL, NULL, "date"},
};
static const record rec_station = {"station", "a station", station_fields, N(station_fields),
                                   NULL, NULL, false, NULL, NULL};

static const field inspection_fields[] = {
    {"flags", bind_cat_numbers, OFF(af_scn_inspection, flag), 0, F_UNSET_NAN, NULL, NULL, 0, 0,
     SH_TABLE, NULL, &t_fraction, "category table of probabilities"},
    {"hold", bind_ref, OFF(af_scn_inspection, hold), 0, 0, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &r_hold, "hold name"},
};
static const record rec_inspection = {"inspection", "an inspection site", inspection_fields,
                                      N(inspection_fields), &rec_station, NULL, false,
                                      init_inspection, NULL};

static const field transfer_fields[] = {
    {"lanes", bind_unsigned, OFF(af_scn_crossing, transfer_lanes), 0, F_REQUIRED, NULL, NULL, 1,
     10000, SH_SCALAR, NULL, NULL, "whole number"},
    {"service", bind_dist, OFF(af_scn_crossing, transfer_service), 0, F_REQUIRED, NULL, "min", 0,
     0, SH_VARIANT, NULL, NULL, "distribution"},
};
static const record rec_transfer = {"transfer", "the transfer", transfer_fields,
                                    N(transfer_fields), NULL, NULL, false, NULL, NULL};

static const field gaza_side_fields[] = {
    {"waiting_area", bind_size, OFF(af_scn_crossing, gs_waiting_area), 0, F_NONE_OK, "none",
     NULL, 1, 1e7, SH_SCALAR, NULL, NULL, "whole number or none"},
    {"collection", bind_unsigned, OFF(af_scn_crossing, gs_collection), 0, F_REQUIRED, NULL,
     NULL, 1, 1e6, SH_SCALAR, NULL, NULL, "whole number"},
    {"denial", bind_quantity, OFF(af_scn_crossing, gs_denial), 0, 0, "0", NULL, 0, 0.999,
     SH_SCALAR, NULL, &k_fraction, "probability"},
    {"commercial_denial", bind_quantity, OFF(af_scn_crossing, gs_denial_commercial), 0, 0, NULL,
     NULL, 0, 0.999, SH_SCALAR, NULL, &k_fraction, "probability"},
    {"interception", bind_quantity, OFF(af_scn_crossing, gs_interception), 0, 0, "0", NULL, 0,
     1, SH_SCALAR, NULL, &k_fraction, "probability"},
    {"return_rate", bind_quantity, OFF(af_scn_crossing, gs_return), 0, 0, "0", NULL, 0, 1,
     SH_SCALAR, NULL, &k_fraction, "probability"},
    {"pauses", bind_closures, OFF(af_scn_crossing, gs_pauses), AUX(af_scn_crossing, gs_n_pauses),
     0, "[]", NULL, 0, 0, SH_LIST, NULL, NULL, "list of closures"},
};
static void init_gaza_side(void *item)
{
    ((af_scn_crossing *)item)->gs_denial_commercial = NAN;
}
static const record rec_gaza_side = {"gaza_side", "the Gaza side", gaza_side_fields,
                                     N(gaza_side_fields), NULL, NULL, false, init_gaza_side,
                                     check_gaza_side};

static const field crossing_fields[] = {
    {"transfer", bind_subrecord, 0, AUX(af_scn_crossing, has_transfer), 0, NULL, NULL, 0, 0,
     SH_RECORD, &rec_transfer, NULL, "mapping"},
    {"gaza_side", bind_subrecord, 0, AUX(af_scn_crossing, has_gaza_side), 0, NULL, NULL, 0, 0,
     SH_RECORD, &rec_gaza_side, NULL, "mapping"},
};
static const record rec_crossing = {"crossing", "a crossing", crossing_fields,
                                    N(crossing_fields), &rec_station, NULL, false, NULL, NULL};

static const field hold_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"duration", bind_dist, OFF(af_scn_hold, duration), 0, F_REQUIRED, NULL, "min", 0, 0,
     SH_VARIANT, NULL, NULL, "distribution"},
    {"cleared", bind_quantity, OFF(af_scn_hold, cleared), 0, F_REQUIRED, NULL, NULL, 0, 1,
     SH_SCALAR, NULL, &k_fraction, "probability"},
    {"partial", bind_quantity, OFF(af_scn_hold, partial), 0, 0, "0", NULL, 0, 1, SH_SCALAR, NULL,
     &k_fraction, "probability"},
    {"rejected", bind_quantity, OFF(af_scn_hold, rejected), 0, 0, "0", NULL, 0, 1, SH_SCALAR,
     NULL, &k_fraction, "probability"},
    {"offload_fraction", bind_quantity, OFF(af_scn_hold, offload_fraction), 0, 0, NULL, NULL, 0,
     1, SH_SCALAR, NULL, &k_fraction, "probability"},
    {"on_reject", bind_enum, OFF(af_scn_hold, on_reject), 0, 0, NULL, NULL, 0, 0, SH_SCALAR,
     NULL, &reject_enum, "redispatch or write_off"},
    {"repack", bind_dist, OFF(af_scn_hold, repack), 0, 0, NULL, "min", 0, 0, SH_VARIANT, NULL,
     NULL, "distribution"},
};
static const record rec_hold = {"hold", "a hold", hold_fields, N(hold_fields), NULL, NULL, false,
                                NULL, check_hold};

static const field escort_fields[] = {
    {"wait", bind_dist, OFF(af_scn_leg, escort_wait), 0, F_REQUIRED, NULL, "min", 0, 0,
     SH_VARIANT, NULL, NULL, "distribution"},
};
static const record rec_escort = {"escort", "the escort", escort_fields, N(escort_fields), NULL,
                                  NULL, false, NULL, NULL};

static bool leg_key(const yt_node *item, char *buf, size_t size);

static const field leg_fields[] = {
    {"name", bind_item_name, 0, 0, 0, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"from", bind_ref, OFF(af_scn_leg, from), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &r_node, "node name"},
    {"to", bind_ref, OFF(af_scn_leg, to), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &r_node, "node name"},
    {"travel", bind_dist, OFF(af_scn_leg, travel), 0, F_REQUIRED, NULL, "min", 0, 0, SH_VARIANT,
     NULL, NULL, "distribution"},
    {"capacity", bind_u32, OFF(af_scn_leg, capacity), 0, F_NONE_OK, "none", NULL, 1, 1e6,
     SH_SCALAR, NULL, NULL, "whole number or none"},
    {"loss", bind_quantity, OFF(af_scn_leg, loss), 0, 0, "0", NULL, 0, 1, SH_SCALAR, NULL,
     &k_fraction, "probability"},
    {"escort", bind_subrecord, 0, AUX(af_scn_leg, has_escort), 0, NULL, NULL, 0, 0, SH_RECORD,
     &rec_escort, NULL, "mapping"},
    {"closures", bind_closures, OFF(af_scn_leg, closures), AUX(af_scn_leg, n_closures), 0, "[]",
     NULL, 0, 0, SH_LIST, NULL, NULL, "list of closures"},
    {"opens", bind_instant, OFF(af_scn_leg, opens), AUX(af_scn_leg, has_opens), 0, NULL, NULL, 0,
     0, SH_SCALAR, NULL, NULL, "date"},
};
static const record rec_leg = {"leg", "a leg", leg_fields, N(leg_fields), NULL, leg_key, false,
                               NULL, NULL};

static const field route_fields[] = {
    {"name", bind_item_name, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "name"},
    {"origin", bind_ref, OFF(af_scn_route, origin), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR,
     NULL, &r_origin, "origin name"},
    {"via", bind_ref_list, OFF(af_scn_route, nodes), AUX(af_scn_route, n_nodes), 0, "[]", NULL, 0,
     0, SH_LIST, NULL, &r_via, "list of node names"},
    {"hub", bind_ref, OFF(af_scn_route, hub), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     &r_hub, "hub name"},
    {"share", bind_quantity, OFF(af_scn_route, share), AUX(af_scn_route, has_share), 0, NULL,
     NULL, 0, 1, SH_SCALAR, NULL, &k_fraction, "probability"},
    {"categories", bind_cat_list, OFF(af_scn_route, carries), 0, 0, "all", NULL, 0, 0, SH_LIST,
     NULL, NULL, "list of category names or all"},
};
static const record rec_route = {"route", "a route", route_fields, N(route_fields), NULL, NULL,
                                 false, NULL, NULL};

static const list_spec l_category = {L_CATEGORY, sizeof(af_scn_category), NS_CATEGORY, -1,
                                     OFF(af_scn_category, name), 0, true};
static const list_spec l_region = {L_REGION, sizeof(af_scn_region), NS_REGION, -1,
                                   OFF(af_scn_region, name), 0, true};
static const list_spec l_hold = {L_HOLD, sizeof(af_scn_hold), NS_HOLD, -1, OFF(af_scn_hold, name), 0,
                                 false};
static const list_spec l_origin = {L_ORIGIN, sizeof(af_scn_origin), NS_NODE, AF_SCN_ORIGIN, 0,
                                   OFF(af_scn_origin, node), true};
static const list_spec l_inspection = {L_INSPECTION, sizeof(af_scn_inspection), NS_NODE, AF_SCN_INSPECTION, 0,
                                       OFF(af_scn_inspection, st.node), false};
static const list_spec l_crossing = {L_CROSSING, sizeof(af_scn_crossing), NS_NODE, AF_SCN_CROSSING, 0,
                                     OFF(af_scn_crossing, st.node), true};
static const list_spec l_hub = {L_HUB, sizeof(af_scn_hub), NS_NODE, AF_SCN_HUB, 0,
                                OFF(af_scn_hub, node), true};
static const list_spec l_leg = {L_LEG, sizeof(af_scn_leg), NS_LEG, -1, OFF(af_scn_leg, name), 0, true};
static const list_spec l_route = {L_ROUTE, sizeof(af_scn_route), NS_ROUTE, -1, OFF(af_scn_route, name), 0,
                                  true};

static const field change_fields[] = {
    {"at", bind_instant, OFF(af_scn_change, at), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR,
     NULL, NULL, "date"},
    {"set", bind_assignments, OFF(af_scn_change, set), AUX(af_scn_change, n_set), F_REQUIRED,
     NULL, NULL, 0, 0, SH_TABLE, NULL, NULL, "mapping of paths to values"},
};
static const record rec_change = {"change", "a dated change", change_fields, N(change_fields),
                                  NULL, NULL, false, NULL, check_change};
static const list_spec l_change = {-1, sizeof(af_scn_change), -1, -1, 0, 0, false};

/* Table order is binding order: what is referred to comes before what refers to it, and the
 * node kinds come in the order of their node numbers. */
static const field scenario_fields[] = {
    {"name", bind_text, OFF(af_scenario, name), 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL,
     NULL, "text"},
    {"description", bind_text, OFF(af_scenario, description), 0, 0, "\"\"", NULL, 0, 0,
     SH_SCALAR, NULL, NULL, "text"},
    {"sources", bind_text_list, OFF(af_scenario, sources), AUX(af_scenario, n_sources), 0, "[]",
     NULL, 0, 0, SH_LIST, NULL, NULL, "list of text"},
    {"extends", NULL, 0, 0, 0, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "file name"},
    {"start", bind_start, 0, 0, F_REQUIRED, NULL, NULL, 0, 0, SH_SCALAR, NULL, NULL, "date"},
    {"horizon", bind_days, OFF(af_scenario, horizon_days), 0, F_REQUIRED, NULL, "d", 1, 36500,
     SH_SCALAR, NULL, NULL, "duration"},
    {"warmup", bind_days, OFF(af_scenario, warmup_days), 0, 0, "0", "d", 0, 36500, SH_SCALAR,
     NULL, NULL, "duration"},
    {"seed", bind_u64, OFF(af_scenario, seed), 0, 0, "1", NULL, 0, 0, SH_SCALAR, NULL, NULL,
     "whole number"},
    {"replications", bind_unsigned, OFF(af_scenario, replications), 0, 0, "1", NULL, 1, 1e6,
     SH_SCALAR, NULL, NULL, "whole number"},
    {"report", bind_subrecord, 0, 0, 0, "{}", NULL, 0, 0, SH_RECORD, &rec_report, NULL,
     "mapping"},
    {"routing", bind_subrecord, 0, 0, 0, "{}", NULL, 0, 0, SH_RECORD, &rec_routing, NULL,
     "mapping"},
    {"categories", bind_named_list, OFF(af_scenario, categories), AUX(af_scenario, n_categories),
     F_REQUIRED, NULL, NULL, 0, 0, SH_NAMED, &rec_category, &l_category, "list of categories"},
    {"regions", bind_named_list, OFF(af_scenario, regions), AUX(af_scenario, n_regions),
     F_REQUIRED, NULL, NULL, 0, 0, SH_NAMED, &rec_region, &l_region, "list of regions"},
    {"holds", bind_named_list, OFF(af_scenario, holds), AUX(af_scenario, n_holds), 0, "[]", NULL,
     0, 0, SH_NAMED, &rec_hold, &l_hold, "list of holds"},
    {"origins", bind_named_list, OFF(af_scenario, origins), AUX(af_scenario, n_origins),
     F_REQUIRED, NULL, NULL, 0, 0, SH_NAMED, &rec_origin, &l_origin, "list of origins"},
    {"inspections", bind_named_list, OFF(af_scenario, inspections),
     AUX(af_scenario, n_inspections), 0, "[]", NULL, 0, 0, SH_NAMED, &rec_inspection,
     &l_inspection, "list of inspection sites"},
    {"crossings", bind_named_list, OFF(af_scenario, crossings), AUX(af_scenario, n_crossings),
     F_REQUIRED, NULL, NULL, 0, 0, SH_NAMED, &rec_crossing, &l_crossing, "list of crossings"},
    {"hubs", bind_named_list, OFF(af_scenario, hubs), AUX(af_scenario, n_hubs), F_REQUIRED, NULL,
     NULL, 0, 0, SH_NAMED, &rec_hub, &l_hub, "list of hubs"},
    {"legs", bind_named_list, OFF(af_scenario, legs), AUX(af_scenario, n_legs), F_REQUIRED, NULL,
     NULL, 0, 0, SH_NAMED, &rec_leg, &l_leg, "list of legs"},
    {"routes", bind_named_list, OFF(af_scenario, routes), AUX(af_scenario, n_routes), F_REQUIRED,
     NULL, NULL, 0, 0, SH_NAMED, &rec_route, &l_route, "list of routes"},
    {"changes", bind_record_list, OFF(af_scenario, changes), AUX(af_scenario, n_changes), 0,
     "[]", NULL, 0, 0, SH_LIST, &rec_change, &l_change, "list of dated changes"},
};
const record schema_scenario = {"scenario", "the scenario", scenario_fields,
                                N(scenario_fields), NULL, NULL, true, NULL, NULL};

const record *const schema_records[] = {
    &schema_scenario, &rec_report,  &rec_routing,         &rec_category, &rec_region,
    &rec_shift,       &rec_hub,     &rec_origin,          &rec_plan,     &rec_station,
    &rec_inspection,  &rec_crossing, &rec_random_closures, &rec_transfer, &rec_gaza_side, &rec_hold,
    &rec_yard,
    &rec_leg,         &rec_escort,  &rec_route,           &rec_change,   NULL,
};

/* ---- lookups ------------------------------------------------------------------------------ */

const field *schema_field(const record *r, const char *key, size_t len)
{
    for (; r; r = r->base)
        for (size_t i = 0; i < r->n_fields; i++)
            if (strlen(r->fields[i].key) == len && !memcmp(r->fields[i].key, key, len))
                return &r->fields[i];
    return NULL;
}

const char *schema_suggest(const record *r, const char *key)
{
    const char *cand[64];
    size_t n = 0;
    for (; r; r = r->base)
        for (size_t i = 0; i < r->n_fields && n < 64; i++) cand[n++] = r->fields[i].key;
    return suggest_closest(key, strlen(key), cand, n);
}

const char *schema_default_text(const field *f)
{
    if (f->flags & F_REQUIRED) return "required";
    return f->dflt ? f->dflt : "none";
}

static bool leg_key(const yt_node *item, char *buf, size_t size)
{
    const yt_node *name = yt_map_get(item, "name");
    if (name && name->kind == YT_SCALAR) {
        if (name->len >= size) return false;
        memcpy(buf, name->str, name->len + 1);
        return true;
    }
    const yt_node *from = yt_map_get(item, "from"), *to = yt_map_get(item, "to");
    if (!from || !to || from->kind != YT_SCALAR || to->kind != YT_SCALAR) return false;
    if (from->len + to->len + 5 >= size) return false;
    memcpy(buf, from->str, from->len);
    memcpy(buf + from->len, "_to_", 4);
    memcpy(buf + from->len + 4, to->str, to->len + 1);
    return true;
}

bool schema_item_key(const record *r, const yt_node *item, char *buf, size_t size)
{
    if (!item || item->kind != YT_MAP) return false;
    if (r->item_key) return r->item_key(item, buf, size);
    const yt_node *name = yt_map_get(item, "name");
    if (!name || name->kind != YT_SCALAR || name->len >= size) return false;
    memcpy(buf, name->str, name->len + 1);
    return true;
}

/* ---- description -------------------------------------------------------------------------- */

void schema_describe(const field *f, schema_key *k)
{
    memset(k, 0, sizeof *k);
    k->key = f->key;
    k->doc = f->doc;
    k->required = (f->flags & F_REQUIRED) != 0;
    k->none_ok = (f->flags & F_NONE_OK) != 0;
    k->lo_open = (f->flags & F_LO_OPEN) != 0;
    k->dflt = schema_default_text(f);
    k->yaml_default = (f->flags & F_REQUIRED) ? NULL : f->dflt;
    k->unit = f->unit;
    k->lo = f->lo;
    k->hi = f->hi;
    k->sub = f->sub;
    bind_fn b = f->bind;
    if (!b) k->type = ST_FILE;
    else if (b == bind_text) k->type = ST_TEXT;
    else if (b == bind_text_list) k->type = ST_TEXT_LIST;
    else if (b == bind_item_name) k->type = ST_NAME;
    else if (b == bind_ref) k->type = ST_REF;
    else if (b == bind_ref_list) k->type = ST_REF_LIST;
    else if (b == bind_cat_list) k->type = ST_CAT_LIST;
    else if (b == bind_quantity) {
        k->type = ST_QUANTITY;
        k->quantity = (int)*(const unit_kind *)f->arg;
    } else if (b == bind_days) k->type = ST_DAYS;
    else if (b == bind_start || b == bind_date_day) k->type = ST_DATE;
    else if (b == bind_instant) k->type = ST_INSTANT;
    else if (b == bind_assignments) k->type = ST_ASSIGNMENTS;
    else if (b == bind_enum) {
        const enum_table *e = f->arg;
        k->type = ST_ENUM;
        k->enum_names = e->names;
        k->n_enum = e->n;
    } else if (b == bind_dist) k->type = ST_DIST;
    else if (b == bind_hours) k->type = ST_HOURS;
    else if (b == bind_closures) k->type = ST_CLOSURES;
    else if (b == bind_dispatch) k->type = ST_DISPATCH;
    else if (b == bind_subrecord) k->type = ST_RECORD;
    else if (b == bind_named_list) k->type = ST_NAMED_LIST;
    else if (b == bind_record_list) k->type = ST_RECORD_LIST;
    else if (b == bind_cat_numbers || b == bind_cat_dists) {
        k->type = ST_CAT_TABLE;
        k->elem = ((const table_spec *)f->arg)->elem;
    } else if (b == bind_int || b == bind_unsigned || b == bind_u32 || b == bind_size ||
               b == bind_u64 || b == bind_count) k->type = ST_INT;
    else k->type = ST_TEXT; /* a binder this description does not know yet: any text */
    if (k->type == ST_NAMED_LIST || k->type == ST_RECORD_LIST)
        k->nonempty = ((const list_spec *)f->arg)->nonempty;
    if (k->type != ST_INT && k->type != ST_QUANTITY && k->type != ST_DAYS) k->lo = k->hi = 0;
}

void schema_walk(const record *r, void (*visit)(const schema_key *k, void *ctx), void *ctx)
{
    if (r->base) schema_walk(r->base, visit, ctx);
    for (size_t i = 0; i < r->n_fields; i++) {
        schema_key k;
        schema_describe(&r->fields[i], &k);
        visit(&k, ctx);
    }
}

/* ---- suggestions -------------------------------------------------------------------------- */

size_t levenshtein(const char *a, size_t la, const char *b, size_t lb, size_t cap)
{
    if (la > 64 || lb > 64) return cap + 1;
    size_t diff = la > lb ? la - lb : lb - la;
    if (diff > cap) return cap + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
            if (row[j] < best) best = row[j];
        }
        if (best > cap) return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

bool suggestion_close(size_t d, size_t la, size_t lb)
{
    size_t longer = la > lb ? la : lb;
    return d >= 1 && d <= 2 && 2 * d < longer;
}

const char *suggest_closest(const char *s, size_t len, const char *const *cand, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(cand[i]);
        size_t d = levenshtein(s, len, cand[i], cl, 2);
        if (suggestion_close(d, len, cl) && d < best_d) {
            best_d = d;
            best = cand[i];
        }
    }
    return best;
}
