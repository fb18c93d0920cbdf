#include "ui/model/internal/PacsWorkerPool.h"

#include <QThreadPool>

namespace lrclr::internal {

namespace {

/// A search, a retrieve and a connection check at once, plus superseded ones still waiting out their timeouts.
constexpr int pacsThreads = 4;

} // namespace

QThreadPool* pacsWorkerPool()
{
    static QThreadPool* const pool = [] {
        auto* created = new QThreadPool;
        created->setMaxThreadCount(pacsThreads);
        return created;
    }();
    // Deliberately never destroyed: a worker may still be waiting out a node's timeout when the application exits,
    // and destroying the pool would make the exit wait for it.
    return pool;
}

} // namespace lrclr::internal
