#include "training/DistributedGroup.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include <ATen/ATen.h>
#include <torch/version.h>

// The torch target exports USE_C10D_GLOO (and USE_C10D_NCCL from a CUDA LibTorch) when LibTorch was built with that
// backend; without Gloo, ProcessGroupGloo.hpp declares nothing. Its headers come from libgloo-dev.
#ifndef USE_C10D_GLOO
#error "DistributedGroup needs a LibTorch built with c10d Gloo (USE_C10D_GLOO)"
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
// NCCL only where the LibTorch build defines it (a CUDA LibTorch); the CPU build never depends on it.
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace lrclr {

namespace {

// LibTorch 2.x split the collectives out of ProcessGroup into Backend; ProcessGroupGloo/NCCL derive from it there.
#if TORCH_VERSION_MAJOR >= 2
using CollectiveBackend = c10d::Backend;
#else
using CollectiveBackend = c10d::ProcessGroup;
#endif

std::string describe(const std::exception& error)
{
    if (const auto* torchError = dynamic_cast<const c10::Error*>(&error))
        return torchError->what_without_backtrace();
    return error.what();
}

std::string address(const DistributedGroup::Options& options)
{
    return options.host + ":" + std::to_string(options.port);
}

bool isLoopback(const std::string& host)
{
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void validate(const DistributedGroup::Options& options)
{
    if (options.worldSize < 1)
        throw std::invalid_argument(
            "DistributedGroup: world size must be at least 1, got " + std::to_string(options.worldSize));
    if (options.rank < 0 || options.rank >= options.worldSize)
        throw std::invalid_argument("DistributedGroup: rank " + std::to_string(options.rank) + " is outside 0.."
            + std::to_string(options.worldSize - 1));
    if (options.worldSize > 1 && (options.port < 1 || options.port > 65535))
        throw std::invalid_argument(
            "DistributedGroup: rendezvous port " + std::to_string(options.port) + " is outside 1..65535");
    if (options.worldSize > 1 && options.host.empty())
        throw std::invalid_argument("DistributedGroup: the rendezvous host is empty");
    if (options.timeout.count() <= 0 || options.collectiveTimeout.count() <= 0)
        throw std::invalid_argument("DistributedGroup: the timeouts must be positive");
}

// Where this rank's Gloo endpoint listens. GLOO_SOCKET_IFNAME picks an interface as in PyTorch; a loopback
// rendezvous keeps every rank on loopback; otherwise Gloo resolves this machine's host name.
std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& host)
{
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface != nullptr && *interface != '\0')
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    if (isLoopback(host))
        return c10d::ProcessGroupGloo::createDeviceForHostname(host == "localhost" ? "127.0.0.1" : host);
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

// Tensors of one dtype on one device travel as one flat buffer: one collective instead of one per tensor.
struct Bucket {
    std::vector<at::Tensor> tensors;
    std::int64_t elements = 0;
};

std::vector<Bucket> bucketsOf(const std::vector<at::Tensor>& tensors)
{
    std::vector<Bucket> buckets;
    std::map<std::tuple<int, int, int>, std::size_t> index; // (dtype, device type, device index) -> bucket
    for (const auto& tensor : tensors) {
        if (!tensor.defined())
            continue;
        if (tensor.is_sparse())
            throw std::invalid_argument("DistributedGroup: sparse tensors are not supported");
        const auto key = std::make_tuple(static_cast<int>(tensor.scalar_type()),
            static_cast<int>(tensor.device().type()), static_cast<int>(tensor.device().index()));
        auto [position, inserted] = index.try_emplace(key, buckets.size());
        if (inserted)
            buckets.emplace_back();
        Bucket& bucket = buckets[position->second];
        bucket.tensors.push_back(tensor);
        bucket.elements += tensor.numel();
    }
    return buckets;
}

// What every rank must agree on before buffers are exchanged: tensor count, element count, and the dtypes in order.
std::vector<std::int64_t> summaryOf(const std::vector<Bucket>& buckets, std::size_t tensorCount)
{
    std::int64_t elements = 0;
    std::uint64_t kinds = 0; // unsigned: wraps instead of overflowing
    for (const auto& bucket : buckets) {
        elements += bucket.elements;
        kinds = kinds * 31 + static_cast<std::uint64_t>(bucket.tensors.front().scalar_type()) + 1;
    }
    return { static_cast<std::int64_t>(tensorCount), elements, static_cast<std::int64_t>(kinds % (1ULL << 62)) };
}

at::Tensor flatten(const Bucket& bucket)
{
    std::vector<at::Tensor> flat;
    flat.reserve(bucket.tensors.size());
    for (const auto& tensor : bucket.tensors)
        flat.push_back(tensor.detach().reshape({ -1 }));
    return at::cat(flat).contiguous();
}

void unflatten(const at::Tensor& flat, const Bucket& bucket)
{
    std::int64_t offset = 0;
    for (const auto& tensor : bucket.tensors) {
        const auto count = tensor.numel();
        tensor.copy_(flat.narrow(0, offset, count).view(tensor.sizes()));
        offset += count;
    }
}

} // namespace

struct DistributedGroup::Private {
    Options options;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<CollectiveBackend> gloo;
#ifdef USE_C10D_NCCL
    c10::intrusive_ptr<CollectiveBackend> nccl;
#endif

    std::string who() const
    {
        return "DistributedGroup rank " + std::to_string(options.rank) + " of " + std::to_string(options.worldSize);
    }

    /// The backend that moves `tensor`, and whether it must be staged through host memory. Every rank takes the
    /// same branch because every rank passes tensors on the same kind of device, so a lazily created NCCL group
    /// is created by all ranks in the same collective.
    std::pair<CollectiveBackend*, bool> backendFor(const at::Tensor& tensor)
    {
        if (!tensor.is_cuda())
            return { gloo.get(), false };
#ifdef USE_C10D_NCCL
        if (!nccl) {
            auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
            ncclOptions->timeout = options.collectiveTimeout;
            nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
                c10::make_intrusive<c10d::PrefixStore>("nccl", store), options.rank, options.worldSize, ncclOptions);
        }
        return { nccl.get(), false };
#else
        return { gloo.get(), true };
#endif
    }

    /// Starts a collective and waits for it, at most the group's timeout; any failure becomes one message.
    template<typename Start> void execute(const char* operation, Start start) const
    {
        try {
            const c10::intrusive_ptr<c10d::Work> work = start();
            if (!work->wait(options.collectiveTimeout))
                throw std::runtime_error("timed out");
        } catch (const std::exception& error) {
            throw std::runtime_error(who() + ": " + operation + " failed (a peer left, or "
                + std::to_string(options.collectiveTimeout.count()) + " s passed without it): " + describe(error));
        }
    }

    /// Runs `collective(backend, {buffer})`, through host memory when the backend cannot read `buffer`'s device.
    template<typename Collective> void run(at::Tensor& buffer, const char* operation, Collective collective)
    {
        auto [backend, staged] = backendFor(buffer);
        std::vector<at::Tensor> tensors { staged ? buffer.to(at::kCPU) : buffer };
        execute(operation, [&] { return collective(*backend, tensors); });
        if (staged)
            buffer.copy_(tensors.front());
    }

    void allreduceSum(at::Tensor& buffer)
    {
        run(buffer, "allreduce", [](CollectiveBackend& backend, std::vector<at::Tensor>& tensors) {
            return backend.allreduce(tensors, c10d::AllreduceOptions {});
        });
    }

    /// Gathers a small int64 summary from every rank so that mismatched calls fail with a message on every rank
    /// alike instead of mixing up buffers of different lengths.
    at::Tensor gatherSummary(const std::vector<std::int64_t>& values)
    {
        auto local = at::tensor(values, at::kLong);
        std::vector<std::vector<at::Tensor>> outputs(1);
        for (int rank = 0; rank < options.worldSize; ++rank)
            outputs.front().push_back(at::empty_like(local));
        std::vector<at::Tensor> inputs { local };
        execute("allgather", [&] { return gloo->allgather(outputs, inputs, c10d::AllgatherOptions {}); });
        return at::stack(outputs.front());
    }

    void requireSame(const at::Tensor& summaries, const std::string& what) const
    {
        for (int rank = 1; rank < options.worldSize; ++rank) {
            if (!summaries[rank].equal(summaries[0]))
                throw std::runtime_error(
                    who() + ": " + what + " differ between rank 0 and rank " + std::to_string(rank));
        }
    }

    void reduceGradients(const std::vector<at::Tensor>& parameters, bool average)
    {
        if (options.worldSize == 1)
            return;
        const at::NoGradGuard noGrad;
        std::vector<at::Tensor> gradients;
        gradients.reserve(parameters.size());
        for (const auto& parameter : parameters) {
            if (parameter.defined() && parameter.grad().defined())
                gradients.push_back(parameter.grad());
        }
        const auto buckets = bucketsOf(gradients);
        requireSame(gatherSummary(summaryOf(buckets, gradients.size())), "the gradients to reduce");
        for (const auto& bucket : buckets) {
            auto flat = flatten(bucket);
            allreduceSum(flat);
            if (average)
                flat.div_(options.worldSize);
            unflatten(flat, bucket);
        }
    }
};

DistributedGroup::DistributedGroup(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

DistributedGroup::~DistributedGroup() = default;

std::unique_ptr<DistributedGroup> DistributedGroup::join(const Options& options)
{
    validate(options);
    auto d = std::make_unique<Private>();
    d->options = options;
    if (options.worldSize == 1)
        return std::unique_ptr<DistributedGroup>(new DistributedGroup(std::move(d)));

    const auto started = std::chrono::steady_clock::now();
    const std::chrono::milliseconds timeout = options.timeout;
    const bool isServer = options.rank == 0;
    // Each phase names what did not happen, so that a user can tell a wrong address from a missing rank.
    const char* phase
        = isServer ? "could not open the rendezvous store at" : "could not reach rank 0's rendezvous store at";
    try {
        c10d::TCPStoreOptions storeOptions;
        storeOptions.port = static_cast<std::uint16_t>(options.port);
        storeOptions.isServer = isServer;
        // Arrival is counted below rather than by TCPStore's numWorkers: LibTorch 1.13's server stops waiting at the
        // timeout without saying so, and a count tells the user how many ranks did arrive.
        storeOptions.waitWorkers = false;
        storeOptions.timeout = timeout;
        d->store = c10::make_intrusive<c10d::TCPStore>(options.host, storeOptions);

        phase = "did not see every rank arrive at the rendezvous";
        if (d->store->add("lrclr/rank/" + std::to_string(options.rank), 1) > 1)
            throw std::runtime_error("rank " + std::to_string(options.rank) + " joined twice");
        const auto deadline = started + timeout;
        std::int64_t arrived = d->store->add("lrclr/arrived", 1);
        while (arrived < options.worldSize) {
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error(
                    "only " + std::to_string(arrived) + " of " + std::to_string(options.worldSize) + " ranks arrived");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            arrived = d->store->add("lrclr/arrived", 0);
        }

        phase = "could not connect Gloo between the ranks that met at";
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(options.collectiveTimeout);
        glooOptions->devices.push_back(glooDevice(options.host));
        d->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("gloo", d->store), options.rank, options.worldSize, glooOptions);
    } catch (const std::exception& error) {
        throw std::runtime_error("DistributedGroup: rank " + std::to_string(options.rank) + " of "
            + std::to_string(options.worldSize) + " " + phase + " " + address(options) + " within "
            + std::to_string(options.timeout.count()) + " s: " + describe(error));
    }
    return std::unique_ptr<DistributedGroup>(new DistributedGroup(std::move(d)));
}

int DistributedGroup::rank() const
{
    return d->options.rank;
}

int DistributedGroup::worldSize() const
{
    return d->options.worldSize;
}

void DistributedGroup::broadcast(const std::vector<at::Tensor>& tensors, int root)
{
    if (root < 0 || root >= d->options.worldSize)
        throw std::invalid_argument(d->who() + ": broadcast root " + std::to_string(root) + " is not a rank");
    if (d->options.worldSize == 1)
        return;
    const at::NoGradGuard noGrad;
    const auto buckets = bucketsOf(tensors);
    d->requireSame(d->gatherSummary(summaryOf(buckets, tensors.size())), "the tensors to broadcast");
    for (const auto& bucket : buckets) {
        auto flat = flatten(bucket);
        d->run(flat, "broadcast", [root](CollectiveBackend& backend, std::vector<at::Tensor>& buffers) {
            c10d::BroadcastOptions broadcastOptions;
            broadcastOptions.rootRank = root;
            return backend.broadcast(buffers, broadcastOptions);
        });
        unflatten(flat, bucket);
    }
}

at::Tensor DistributedGroup::gatherWithGradient(const at::Tensor& local)
{
    if (d->options.worldSize == 1)
        return local;
    if (!local.defined() || local.dim() < 1)
        throw std::invalid_argument(d->who() + ": gatherWithGradient needs a tensor of at least one dimension");
    std::vector<std::int64_t> shape(local.sizes().begin(), local.sizes().end());
    shape.insert(shape.begin(), static_cast<std::int64_t>(local.scalar_type()));
    d->requireSame(d->gatherSummary(shape), "the shapes or dtypes given to gatherWithGradient");

    auto input = local.detach().contiguous();
    auto [backend, staged] = d->backendFor(input);
    std::vector<at::Tensor> inputs { staged ? input.to(at::kCPU) : input };
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int rank = 0; rank < d->options.worldSize; ++rank)
        outputs.front().push_back(at::empty_like(inputs.front()));
    d->execute("allgather", [&] { return backend->allgather(outputs, inputs, c10d::AllgatherOptions {}); });
    std::vector<at::Tensor> parts;
    parts.reserve(outputs.front().size());
    for (const auto& part : outputs.front())
        parts.push_back(staged ? part.to(local.device()) : part);
    // The other ranks' rows are constants; this rank's rows stay `local`, so backward reaches only this rank's
    // graph, and sumGradients() adds the other ranks' contributions.
    parts[static_cast<std::size_t>(d->options.rank)] = local;
    return at::cat(parts, 0);
}

void DistributedGroup::sumGradients(const std::vector<at::Tensor>& parameters)
{
    d->reduceGradients(parameters, false);
}

void DistributedGroup::averageGradients(const std::vector<at::Tensor>& parameters)
{
    d->reduceGradients(parameters, true);
}

double DistributedGroup::averageScalar(double value)
{
    if (d->options.worldSize == 1)
        return value;
    auto buffer = at::full({ 1 }, value, at::kDouble);
    d->allreduceSum(buffer);
    return buffer.item<double>() / d->options.worldSize;
}

void DistributedGroup::barrier()
{
    if (d->options.worldSize == 1)
        return;
    d->execute("barrier", [&] { return d->gloo->barrier(c10d::BarrierOptions {}); });
}

} // namespace lrclr
