#include <QtTest>

#include "core/model/TorchRuntime.h"

using lrclr::TorchRuntime;

class TorchRuntimeTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadedBlasIsOptimised()
    {
        const auto blas = TorchRuntime::loadedBlas();
        QVERIFY2(!blas.libraryPath.empty(), "LibTorch loaded no BLAS library");
        QVERIFY2(!blas.isReference, blas.libraryPath.c_str());
        QVERIFY2(blas.name.find("OpenBLAS") != std::string::npos, blas.name.c_str());
    }

    void threadCountIsApplied()
    {
        TorchRuntime::configureThreads(1);
        QCOMPARE(TorchRuntime::threads(), 1);
        TorchRuntime::configureThreads(0);
        QCOMPARE(TorchRuntime::threads(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    }

    void versionLooksLikeASemanticVersion()
    {
        const QString version = QString::fromStdString(TorchRuntime::version());
        QVERIFY2(
            QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+")).match(version).hasMatch(), qPrintable(version));
    }

    void smokeComputeMatchesClosedForm()
    {
        double expected = 0.0;
        for (int k = 0; k < 64; ++k) {
            double column = 0.0;
            for (int i = 0; i < 64; ++i)
                column += (i * 64 + k) / 4096.0;
            expected += column * column;
        }
        QVERIFY(qAbs(TorchRuntime::smokeCompute() - expected) < 1e-3 * expected);
    }
};

QTEST_GUILESS_MAIN(TorchRuntimeTest)
#include "TorchRuntimeTest.moc"
