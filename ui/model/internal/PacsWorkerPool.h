#pragma once

class QThreadPool;

namespace lrclr::internal {

/// The thread pool that PACS queries, retrieves and echoes run on: apart from the global pool, so that a node that
/// makes us wait (up to the association and response timeouts) never holds up the threads that open studies and
/// render thumbnails. QThreadPool is thread-safe.
QThreadPool* pacsWorkerPool();

} // namespace lrclr::internal
