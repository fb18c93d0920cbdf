#include "app/viewer/SmokeTest.h"

#include <cmath>
#include <iostream>
#include <thread>

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QtConcurrent>

#include "app/support/SoftwareInventory.h"
#include "core/dicom/DicomLibrary.h"
#include "core/model/TorchRuntime.h"
#include "imaging/ImagingLibrary.h"
#include "ui/MainWindow.h"

namespace lrclr {

namespace {

// The sum over i,j of (A A^T)_ij with A = arange(4096)/4096 reshaped 64x64, computed in closed form:
// sum_ij sum_k a_ik a_jk = sum_k (sum_i a_ik)^2.
double expectedChecksum()
{
    double total = 0.0;
    for (int k = 0; k < 64; ++k) {
        double column = 0.0;
        for (int i = 0; i < 64; ++i)
            column += (i * 64 + k) / 4096.0;
        total += column * column;
    }
    return total;
}

} // namespace

SmokeTest::SmokeTest(MainWindow& window, QObject* parent)
    : QObject(parent)
    , m_window(window)
{
}

void SmokeTest::start()
{
    m_window.showTestPattern();
    m_window.show();

    const auto guiThread = std::this_thread::get_id();
    auto* watcher = new QFutureWatcher<double>(this);
    connect(watcher, &QFutureWatcher<double>::finished, this, [this, watcher] { finish(watcher->result()); });
    watcher->setFuture(QtConcurrent::run([guiThread] {
        if (std::this_thread::get_id() == guiThread)
            return std::nan("");
        TorchRuntime::configureThreads();
        return TorchRuntime::smokeCompute();
    }));
}

void SmokeTest::finish(double checksum)
{
    for (const auto& entry : SoftwareInventory::collect())
        std::cout << "smoke: " << entry.component << ": " << entry.version << '\n';

    bool passed = true;
    const double expected = expectedChecksum();
    if (!(std::abs(checksum - expected) <= 1e-3 * expected)) {
        std::cout << "smoke: FAIL worker computation returned " << checksum << ", expected " << expected << '\n';
        passed = false;
    } else {
        std::cout << "smoke: worker-thread matmul checksum " << checksum << " (expected " << expected << ")\n";
    }

    const auto blas = TorchRuntime::loadedBlas();
    if (blas.libraryPath.empty() || blas.isReference) {
        std::cout << "smoke: FAIL loaded BLAS is '" << blas.name << "' at '" << blas.libraryPath
                  << "'; install libopenblas0-openmp (reference BLAS is ~15x slower)\n";
        passed = false;
    }
    if (!DicomLibrary::selfTest()) {
        std::cout << "smoke: FAIL DCMTK could not round-trip a dataset in memory\n";
        passed = false;
    }
    const int contourPoints = ImagingLibrary::contourSelfTest();
    if (contourPoints < 16) {
        std::cout << "smoke: FAIL VTK contour of a disc returned " << contourPoints << " points\n";
        passed = false;
    } else {
        std::cout << "smoke: VTK contour of a disc: " << contourPoints << " points\n";
    }
    if (!m_window.isVisible()) {
        std::cout << "smoke: FAIL main window is not visible\n";
        passed = false;
    }
    std::cout << "smoke: " << (passed ? "PASS" : "FAIL") << std::endl;
    m_window.close();
    QCoreApplication::exit(passed ? 0 : 1);
}

} // namespace lrclr
