/* aidflow — discrete-event simulation of humanitarian-aid logistics. The umbrella header. */
#ifndef AIDFLOW_AIDFLOW_H
#define AIDFLOW_AIDFLOW_H

#include "aidflow/access.h"
#include "aidflow/calendar.h"
#include "aidflow/calibrate.h"
#include "aidflow/error.h"
#include "aidflow/experiment.h"
#include "aidflow/export.h"
#include "aidflow/model.h"
#include "aidflow/random.h"
#include "aidflow/report.h"
#include "aidflow/run_output.h"
#include "aidflow/scenario_path.h"
#include "aidflow/scenario.h"
#include "aidflow/schedule.h"
#include "aidflow/station.h"
#include "aidflow/stats.h"
#include "aidflow/version.h"
#include "aidflow/xlsx.h"

#endif
