#include "harness/threads/wait_policy.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

extern "C" int openblas_get_parallel(void);

namespace scalebench {
namespace {

constexpr char kPassive[] = "OMP_WAIT_POLICY=PASSIVE";

bool HasVariable(char** env, const char* name) {
  const std::size_t length = std::strlen(name);
  for (; env != nullptr && *env != nullptr; ++env) {
    if (std::strncmp(*env, name, length) == 0 && (*env)[length] == '=') return true;
  }
  return false;
}

// Runs before any shared library's initialiser, libgomp's and libc's included. setenv cannot be
// used yet (libc's initialiser replaces the environment it would change), so the process starts
// itself again, same pid and arguments, with the variable added: the loader's work is done twice
// (a few milliseconds), nothing else has run. A user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins;
// if the executable cannot be started again (deleted while running), it runs on as it is.
void StartWithPassiveWaitPolicy(int, char** argv, char** env) {
  if (HasVariable(env, "OMP_WAIT_POLICY") || HasVariable(env, "GOMP_SPINCOUNT")) return;
  std::size_t count = 0;
  while (env != nullptr && env[count] != nullptr) ++count;
  char** extended = static_cast<char**>(std::malloc((count + 2) * sizeof(char*)));
  if (extended == nullptr) return;
  for (std::size_t i = 0; i < count; ++i) extended[i] = env[i];
  extended[count] = const_cast<char*>(kPassive);
  extended[count + 1] = nullptr;
  execve("/proc/self/exe", argv, extended);
  std::free(extended);  // only reached if execve failed
}

// `used`: nothing refers to it, and the compiler must still emit it.
[[gnu::section(".preinit_array"), gnu::used]] void (*kStartWithPassiveWaitPolicy)(
    int, char**, char**) = &StartWithPassiveWaitPolicy;

}  // namespace

std::string OpenBlasThreading() {
  switch (openblas_get_parallel()) {
    case 0:
      return "sequential";
    case 1:
      return "pthreads";
    case 2:
      return "openmp";
  }
  return "unknown";
}

std::string WaitPolicyEnvironment() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  return std::string("OMP_WAIT_POLICY=") + (policy ? policy : "unset") +
         " GOMP_SPINCOUNT=" + (spin ? spin : "unset");
}

}  // namespace scalebench
