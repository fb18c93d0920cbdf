#pragma once

#include <atomic>
#include <mutex>
#include <unordered_set>

#include <QtGlobal>

namespace lrclr {

/// Which jobs of an InferenceService are still wanted; shared by the service (GUI thread, writes) and its worker
/// (worker thread, reads between stages). Thread-safe: the supersede floor is atomic, the canceled set is locked.
class InferenceJobTracker {
public:
    /// Every job with an id below `jobId` becomes stale (a new analysis supersedes all earlier jobs).
    void supersedeBefore(quint64 jobId)
    {
        quint64 current = m_floor.load();
        while (current < jobId && !m_floor.compare_exchange_weak(current, jobId)) { }
    }
    void cancel(quint64 jobId)
    {
        const std::lock_guard lock(m_mutex);
        m_canceled.insert(jobId);
    }
    /// The job has ended: its cancel mark is no longer needed.
    void forget(quint64 jobId)
    {
        const std::lock_guard lock(m_mutex);
        m_canceled.erase(jobId);
    }
    bool isStale(quint64 jobId) const
    {
        if (jobId < m_floor.load())
            return true;
        const std::lock_guard lock(m_mutex);
        return m_canceled.count(jobId) > 0;
    }

private:
    std::atomic<quint64> m_floor { 0 };
    mutable std::mutex m_mutex;
    std::unordered_set<quint64> m_canceled;
};

} // namespace lrclr
