#include "CBuildInfo.h"

#ifndef EDDY_GIT_COMMIT
#define EDDY_GIT_COMMIT "unknown"
#endif

const char *eddy_git_commit(void) { return EDDY_GIT_COMMIT; }
