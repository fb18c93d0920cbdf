#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace lrclr::test {

/// A hostile C-GET peer of the tests' own, on its own thread, made with DCMTK's association and DIMSE functions (DCMTK
/// stays in the .cpp): it refuses every association without a Study Root C-GET context (so the client's SOP class
/// query fails) and answers the C-GET of the one it accepts by sending the instances it was given, whatever study
/// was asked for, then a final success. It listens on every interface: use it only in the test's network namespace.
class FakeGetPeer {
public:
    struct Instance {
        std::string studyInstanceUid;
        std::string sopInstanceUid;
    };

    FakeGetPeer(int port, std::vector<Instance> instances);
    ~FakeGetPeer();
    FakeGetPeer(const FakeGetPeer&) = delete;
    FakeGetPeer& operator=(const FakeGetPeer&) = delete;

    /// Waits until the C-GET association is over (at most 30 s) and returns the C-STORE status the client answered
    /// for each instance, in order (-1: not sent).
    std::vector<int> storeStatuses();

private:
    void serve(int port);
    void serveGet(void* association);

    std::vector<Instance> m_instances;
    std::vector<int> m_statuses;
    std::atomic<bool> m_done { false };
    std::thread m_thread;
};

} // namespace lrclr::test
