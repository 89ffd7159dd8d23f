// The MPI Transport (built when CMake finds MPI): one message per MPI message, its kind the tag.
// Sends are MPI_Isend, progressed on every call and never waited for, so that a rank that has
// died cannot hang the sender (a blocking send of a large message to a dead rank waits forever,
// measured with Open MPI 4.1). Errors return instead of aborting (MPI_ERRORS_RETURN); whether the
// job survives a dead rank is the launcher's decision (mpirun --enable-recovery), and after one
// died the survivors end without MPI_Finalize (SkipFinalize).
#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <list>
#include <thread>

#include "harness/distributed/sweep_loop.h"

namespace scalebench {
namespace {

// A message being received from a rank that dies halfway would never complete; after this long
// the receive is cancelled and the rank's heartbeat timeout decides.
constexpr double kReceiveDeadlineSeconds = 60.0;

class MpiTransport final : public Transport {
 public:
  MpiTransport(int rank, int size) : rank_(rank), size_(size) {}
  ~MpiTransport() override {
    if (skip_finalize_) return;  // the process ends without MPI (see SkipFinalize)
    for (Pending& p : pending_) {
      int done = 0;
      MPI_Test(&p.request, &done, MPI_STATUS_IGNORE);
      if (!done) MPI_Request_free(&p.request);  // to a dead rank; the buffer outlives MPI
    }
    MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void Send(int to, MessageKind kind, std::string body) override {
    Progress();
    pending_.push_back({MPI_REQUEST_NULL, to, std::move(body)});
    Pending& p = pending_.back();
    MPI_Isend(
        p.body.data(), int(p.body.size()), MPI_CHAR, to, int(kind), MPI_COMM_WORLD, &p.request);
  }

  void Flush(const std::vector<bool>& live, double seconds) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      Progress();
      bool pending = false;
      for (const Pending& p : pending_) pending = pending || live.at(p.to);
      if (!pending) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void SkipFinalize() override { skip_finalize_ = true; }

  bool Poll(Message* message) override {
    Progress();
    int flag = 0;
    MPI_Status status;
    if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status) != MPI_SUCCESS ||
        !flag) {
      return false;
    }
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    message->from = status.MPI_SOURCE;
    message->kind = MessageKind(status.MPI_TAG);
    message->body.assign(std::size_t(count), '\0');
    MPI_Request request;
    MPI_Irecv(message->body.data(),
              count,
              MPI_CHAR,
              status.MPI_SOURCE,
              status.MPI_TAG,
              MPI_COMM_WORLD,
              &request);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(kReceiveDeadlineSeconds);
    for (int done = 0;;) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done) return true;
      if (std::chrono::steady_clock::now() > deadline) {
        MPI_Cancel(&request);
        MPI_Request_free(&request);
        return false;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

 private:
  struct Pending {
    MPI_Request request;
    int to;
    std::string body;
  };
  void Progress() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
      it = done ? pending_.erase(it) : std::next(it);
    }
  }

  const int rank_;
  const int size_;
  std::list<Pending> pending_;  // std::list: a buffer never moves while MPI reads it
  bool skip_finalize_ = false;
};

}  // namespace

bool BuiltWithMpi() {
  return true;
}

std::unique_ptr<Transport> JoinCluster(std::string* error) {
  const Launch launch = DetectLaunch(std::getenv);
  *error = LaunchProblem(launch, true);
  if (!error->empty() || launch.size <= 1) return nullptr;
  int provided = 0;
  // FUNNELED: only the loop thread calls MPI; the compute threads never do.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    *error = "MPI_Init_thread failed";
    return nullptr;
  }
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    *error = "this MPI does not support MPI_THREAD_FUNNELED";
    return nullptr;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return std::make_unique<MpiTransport>(rank, size);
}

}  // namespace scalebench
