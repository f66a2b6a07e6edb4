/* engine_cpu_cap.c: the CPU firm loop of one role capacity (src/engines/engine_cpu_firms.h). The
 * Makefile compiles it once per capacity of HC_ROLE_CAPS (include/model/hc_defs.h), with
 * -DHC_FIRM_ROLE_CAP=N, into engine_cpu_rN.o. Up to 16 roles the loop is vectorised across
 * firms, the model's role loops unrolled; above, unrolling would make the step too big,
 * and it is vectorised across roles. */
#ifndef HC_FIRM_ROLE_CAP
#error "build with -DHC_FIRM_ROLE_CAP=N, N a capacity of HC_ROLE_CAPS (Makefile)"
#endif
#if HC_FIRM_ROLE_CAP <= 16
#define HC_ROLE_LOOPS_UNROLLED
#endif
/* the step reads ln K from the engine's K row instead of computing it per firm (hc_firm_cutoffs) */
#define HC_KW_WITH_LOG
#define HC_CPU_FIRMS_DEFINE
#include "engine_cpu_firms.h"
