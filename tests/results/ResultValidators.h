#pragma once

#include <QString>
#include <QStringList>

namespace lrclr::test {

/// The third-party validators the DICOM results must pass, run as external programs: dicom3tools' dciodvfy and
/// pixelmed's DicomSRValidator (Debian packages dicom3tools and pixelmed-apps, installed by scripts/install-deps.sh).
/// A missing validator is a failure, never a skip: locate() says what is missing.
class ResultValidators {
public:
    /// Finds dciodvfy, java and pixelmed.jar; returns an error text naming what is missing, empty when all are there.
    QString locate();

    struct Outcome {
        bool passed = false;
        QString output; ///< everything the validator printed, for the failure message
        QStringList errors; ///< the lines that made it fail
    };
    /// dciodvfy: passes when no output line starts with "Error".
    Outcome dciodvfy(const QString& path) const;
    /// pixelmed DicomSRValidator: passes when it recognises a Comprehensive SR, completes, and prints nothing but
    /// warnings besides.
    Outcome pixelmedSr(const QString& path) const;

private:
    Outcome run(const QString& program, const QStringList& arguments) const;

    QString m_dciodvfy;
    QString m_java;
    QString m_pixelmedJar;
};

} // namespace lrclr::test
