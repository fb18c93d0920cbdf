#pragma once

#include <algorithm>
#include <functional>

#include <QElapsedTimer>
#include <QTimer>
#include <QtTest>

namespace lrclr::test {

/// How responsive the GUI thread stayed: the longest gap between the ticks of a 5 ms timer on this thread while
/// `start` ran and until `until` held (or `timeoutMs` passed), plus 20 ms after (what happens right after counts too).
struct GapMeasurement {
    qint64 longestGap = 0;
    int ticks = 0;
    qint64 elapsed = 0;
    bool finished = false;
};

inline GapMeasurement measureGaps(const std::function<void()>& start, const std::function<bool()>& until, int timeoutMs)
{
    GapMeasurement measurement;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        measurement.longestGap = std::max(measurement.longestGap, now - last);
        last = now;
        ++measurement.ticks;
    });
    clock.start();
    ticker.start();
    QTest::qWait(20);
    start();
    measurement.finished = QTest::qWaitFor(until, timeoutMs);
    QTest::qWait(20);
    measurement.elapsed = clock.elapsed();
    return measurement;
}

} // namespace lrclr::test
