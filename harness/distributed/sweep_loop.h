// A sweep's training runs computed by many processes (ranks): rank 0 hands out the runs of a
// SweepPlan dynamically (largest first, SweepSchedule), computes some itself, receives each
// result, caches it at once and keeps it for the suite run, which then probes, fits, scores and
// records as a single process does (harness/runner/runner.h). The other ranks compute what they
// are sent until rank 0 says stop.
//
// Ranks talk through a Transport (MPI in practice: JoinCluster; a test can use threads). Every
// rank sends a heartbeat every heartbeat_s(); a rank holding runs that is silent for longer than
// rank_timeout_s is presumed dead and its runs go to the others (the scheduler's rules). With
// Open MPI, a rank that dies ends the whole job unless mpirun runs with --enable-recovery; then
// nothing is lost either: every result rank 0 received is already in the cache, and the rerun
// computes only the rest (docs/cluster.md).
//
// Usage (harness/runner/runner.cc and suite_measurer.cc):
//   std::string error;
//   std::unique_ptr<Transport> cluster = JoinCluster(&error);   // null: a single process
//   if (cluster && cluster->rank() > 0) return ServeSweep(*cluster, options, progress, &error);
//   CoordinateSweep(*cluster, plan, &cache, options, progress, &computed, &stats);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/distributed/sweep_plan.h"

namespace scalebench {

enum class MessageKind : int {
  kHello = 1,  // rank -> 0: host, pid
  kTask,       // 0 -> rank: EncodeTask
  kRelease,    // 0 -> rank: a design no run of which is left ({"target", "design"})
  kResult,     // rank -> 0: EncodeResult
  kHeartbeat,  // both ways, every heartbeat_s()
  kStop,       // 0 -> rank: the sweep is done
};

struct Message {
  int from = 0;
  MessageKind kind = MessageKind::kHeartbeat;
  std::string body;
};

// How ranks exchange messages. Neither call may block on the other side: a dead receiver must
// never hang the sender.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual void Send(int to, MessageKind kind, std::string body) = 0;
  // The next message that has arrived, if any.
  virtual bool Poll(Message* message) = 0;
  // Waits up to `seconds` for the sends to the ranks marked in `live` to leave this process.
  virtual void Flush(const std::vector<bool>& live, double seconds) {}
  // A rank of the job has died: end this process's part without MPI_Finalize, whose closing
  // barrier can wait for the dead rank forever (measured with Open MPI 4.1 and mpirun
  // --enable-recovery: about one job in two hung there; without it mpirun still exits 0).
  virtual void SkipFinalize() {}
};

// How this process was started, from the environment the launchers set: Open MPI's mpirun
// (OMPI_COMM_WORLD_SIZE/RANK), Hydra's mpiexec and srun --mpi=pmi2 (PMI_SIZE/RANK), srun
// --mpi=pmix (PMIX_RANK, with SLURM_STEP_NUM_TASKS), or srun without an MPI plugin (SLURM_PROCID
// only: `mpi` false, and the tasks cannot talk).
struct Launch {
  int rank = 0;
  int size = 1;
  bool mpi = false;  // an MPI launcher set up the ranks
  std::string by;    // "mpirun", "pmi", "srun --mpi=pmix", "srun", "" (a plain process)
};
Launch DetectLaunch(const std::function<const char*(const char*)>& getenv);
// Why a process started as `launch` cannot join its job ("" when it can, or runs alone).
std::string LaunchProblem(const Launch& launch, bool with_mpi);

// Joins the MPI job this process was started in (by mpirun/mpiexec, or srun with an MPI plugin,
// as the environment says). nullptr with *error empty: not started by an MPI launcher, or as its
// only rank. nullptr with *error: started as one of several ranks but unable to join (this
// scalebench was built without MPI, srun without --mpi, MPI_Init failed). The transport's
// destructor ends this process's part in the job (MPI_Finalize).
std::unique_ptr<Transport> JoinCluster(std::string* error);
// Whether this scalebench was built with MPI.
bool BuiltWithMpi();

struct SweepOptions {
  int jobs = 1;     // runs a rank computes at once
  int threads = 2;  // threads per run (1 for single-threaded designs)
  int seeds = 0;    // > 0: every design's seed count is replaced by this (as RunLoopOptions)
  double rank_timeout_s = 60.0;
  // Called on rank 0 as each run's result arrives, before it is cached (a kill between the two
  // recomputes the run rather than losing its times; as RunLoopOptions::finished); may be empty.
  std::function<void(const RunTiming&)> finished;

  bool IsValid(std::string* error) const;
  // How often a rank says it is alive: a sixth of the timeout, within [0.05 s, 10 s].
  double heartbeat_s() const;
};

// What each rank did, for the closing summary.
struct RankStats {
  int runs = 0;
  double busy_s = 0.0;  // the runs' wall time
  int prepares = 0;
  double prepare_s = 0.0;
  std::string where;  // "host pid"
};

struct SweepStats {
  std::vector<RankStats> ranks;
  int jobs = 1;  // runs per rank at once
  double seconds = 0.0;
  int lost_ranks = 0;  // rank losses (a rank that comes back and is lost again counts twice)
  int requeued = 0;    // runs handed out again after their rank was lost
  int duplicates = 0;  // results that came after the run finished elsewhere
};

// Rank 0: computes every task of `plan` on the ranks, itself included. Each Ok or Skipped result
// is stored in `cache` (may be null) when it arrives; *computed gets every task's result by key
// (a run lost with `max_losses` ranks is Failed, saying which). Returns when every task is done,
// after telling the other ranks to stop (and, when a rank was lost, that no rank finalizes).
void CoordinateSweep(Transport& transport,
                     const SweepPlan& plan,
                     const RunCache* cache,
                     const SweepOptions& options,
                     const ProgressFn& progress,
                     ComputedRuns* computed,
                     SweepStats* stats);

// Ranks > 0: computes what rank 0 sends until it says stop. False with *error when rank 0 falls
// silent for ten timeouts (it plans before it speaks) or sends what cannot be read.
bool ServeSweep(Transport& transport,
                const SweepOptions& options,
                const ProgressFn& progress,
                std::string* error);

// The plan's one-line description and the closing summary, for progress output.
std::string DescribeSweep(const SweepPlan& plan, int ranks, const SweepOptions& options);
std::string SummarizeSweep(const SweepStats& stats);

}  // namespace scalebench
