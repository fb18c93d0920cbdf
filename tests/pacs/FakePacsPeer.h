#pragma once

#include <memory>
#include <thread>

namespace lrclr::test {

/// A hostile PACS of the tests' own, made with DCMTK's DcmSCP on its own thread (DCMTK stays in the .cpp): it
/// accepts one association (C-ECHO and Study Root C-FIND) and then misbehaves as told. It listens on every
/// interface, like Orthanc, so use it only inside the test's network namespace.
class FakePacsPeer {
public:
    enum class Behaviour {
        HoldCommands, ///< never answers a command (until destroyed)
        FloodFindMatches, ///< answers a C-FIND with `matchCount` matches, ignoring C-CANCEL
    };

    FakePacsPeer(Behaviour behaviour, int port, int matchCount = 0);
    ~FakePacsPeer();
    FakePacsPeer(const FakePacsPeer&) = delete;
    FakePacsPeer& operator=(const FakePacsPeer&) = delete;

    /// True once a DIMSE command arrived.
    bool commandSeen() const;
    /// Matches sent before the client went away (FloodFindMatches).
    int matchesSent() const;

private:
    class Scp;
    std::unique_ptr<Scp> m_scp;
    std::thread m_thread;
};

} // namespace lrclr::test
