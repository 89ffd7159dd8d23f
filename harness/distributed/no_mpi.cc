// JoinCluster for a scalebench built without MPI (CMake did not find it): a process started as
// one of several ranks refuses to run instead of running the sweep several times over.
#include <cstdlib>

#include "harness/distributed/sweep_loop.h"

namespace scalebench {

bool BuiltWithMpi() {
  return false;
}

std::unique_ptr<Transport> JoinCluster(std::string* error) {
  *error = LaunchProblem(DetectLaunch(std::getenv), false);
  return nullptr;
}

}  // namespace scalebench
