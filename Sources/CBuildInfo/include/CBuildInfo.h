#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/// The git commit Eddy was built from, as Package.swift found it (EDDY_GIT_COMMIT in the environment of
/// the build, else the checkout's HEAD, with "-dirty" when the tree had changes), or "unknown".
const char *eddy_git_commit(void);

#endif
