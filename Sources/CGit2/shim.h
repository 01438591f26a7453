// libgit2 (apt-get install libgit2-dev): Tandem reads repositories through it for `tandem review` and for the
// commit checks of `tandem apply PLANFILE`.
#include <git2.h>
