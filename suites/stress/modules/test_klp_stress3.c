// SPDX-License-Identifier: GPL-2.0
/* Cumulative patch 3 of the livepatch replace stress test. */
#define KLP_STRESS_PATCH	3
#include "test_klp_stress_patch.h"
