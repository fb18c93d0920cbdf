#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace lrclr {

/// Multi-process data-parallel training over PyTorch's c10d: ProcessGroupGloo on the CPU (NCCL when a CUDA LibTorch
/// is used and the tensors are on CUDA), rendezvous through a TCPStore that rank 0 hosts. The trainer gives each rank
/// a slice of the global batch; contrastive losses need every rank's embeddings, so gatherWithGradient() returns the
/// global batch with gradients flowing only into this rank's slice, and sumGradients() adds the ranks' parameter
/// gradients (the sum, not the mean, equals the single-process gradient of the global-batch loss).
/// Not thread-safe: one group per process, used from the training thread.
class DistributedGroup {
public:
    struct Options {
        int rank = 0;
        int worldSize = 1;
        std::string host = "127.0.0.1"; ///< where rank 0's TCPStore listens
        int port = 29500;
        std::chrono::seconds timeout { 120 };
        /// How long a collective waits for the other ranks. A rank that exits is noticed at once; this bounds one
        /// that hangs. Long, as PyTorch's default: rank 0 validates and writes checkpoints while the others wait.
        std::chrono::seconds collectiveTimeout { 1800 };
    };

    /// Joins (rank 0: creates) the group; blocks until all ranks arrived or the timeout passed. Throws
    /// std::runtime_error naming the host, port and rank when the rendezvous fails.
    static std::unique_ptr<DistributedGroup> join(const Options& options);
    ~DistributedGroup();
    DistributedGroup(const DistributedGroup&) = delete;
    DistributedGroup& operator=(const DistributedGroup&) = delete;

    int rank() const;
    int worldSize() const;

    /// Overwrites `tensors` on every rank with rank `root`'s values (initial weights, so all ranks start equal).
    void broadcast(const std::vector<at::Tensor>& tensors, int root = 0);
    /// local: [n, ...] on this rank (same n on every rank). Returns [worldSize * n, ...] in rank order; the other
    /// ranks' rows are constants, this rank's rows are `local` itself (differentiable).
    at::Tensor gatherWithGradient(const at::Tensor& local);
    /// Replaces each parameter's .grad() with the sum over ranks (parameters without a gradient are skipped, on
    /// every rank alike).
    void sumGradients(const std::vector<at::Tensor>& parameters);
    /// Replaces each parameter's .grad() with the mean over ranks, for parameters used only after the gather (the
    /// loss's temperature, layers applied to the gathered batch): every rank already computed their whole-batch
    /// gradient, which sumGradients() would count worldSize times. Averaging also keeps the ranks bit-identical.
    void averageGradients(const std::vector<at::Tensor>& parameters);
    /// Mean of a scalar over ranks (loss logging).
    double averageScalar(double value);
    void barrier();

private:
    struct Private;
    explicit DistributedGroup(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace lrclr
