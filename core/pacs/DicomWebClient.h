#pragma once

#include <atomic>
#include <optional>

#include <QString>
#include <QStringList>
#include <QUrl>

#include "core/pacs/PacsTypes.h"
#include "core/pacs/StudyQuery.h"

namespace lrclr {

/// A DICOMweb client of one server through Qt Network: QIDO-RS study search (the same StudyQuery filters and
/// PacsStudy results as C-FIND), WADO-RS retrieve of a study into the same folder layout and file names as
/// PacsClient (<folder>/<SHA-256 of the study UID>/<SHA-256 of each SOP Instance UID>.dcm, never received strings),
/// STOW-RS store of files. Plain HTTP only (no TLS yet).
/// The calls block: each runs its own event loop on the calling thread, so they belong on a worker thread (never
/// the GUI thread) and need a QCoreApplication in the process. Every wait is bounded by the timeout (the longest
/// silence of the server); answers are bounded by the limits. One thread uses an instance at a time; cancel() alone
/// may be called from any thread.
class DicomWebClient {
public:
    struct Limits {
        qint64 maximumResponseBytes = qint64 { 2 } << 30; ///< of one answer (a WADO-RS study arrives whole)
        qint64 maximumQueryBytes = qint64 { 64 } << 20; ///< of a QIDO-RS answer
        int maximumParts = 10000; ///< instances in a WADO-RS answer
        qint64 maximumPartBytes = qint64 { 1 } << 30; ///< of one instance
    };

    /// `baseUrl`: the service root, e.g. http://pacs.example.org:8042/dicom-web (see parseUrl()).
    explicit DicomWebClient(QUrl baseUrl);
    ~DicomWebClient();
    DicomWebClient(const DicomWebClient&) = delete;
    DicomWebClient& operator=(const DicomWebClient&) = delete;

    /// Parses a service root: an absolute http:// URL with a host, no query or fragment; std::nullopt with `error`
    /// otherwise (https is refused until TLS is supported).
    static std::optional<QUrl> parseUrl(const QString& text, QString* error = nullptr);

    const QUrl& baseUrl() const { return m_baseUrl; }
    /// The longest the server may stay silent during one request, in seconds (30 by default).
    void setTimeoutSeconds(int seconds) { m_timeoutSeconds = seconds; }
    int timeoutSeconds() const { return m_timeoutSeconds; }
    void setLimits(const Limits& limits) { m_limits = limits; }
    const Limits& limits() const { return m_limits; }

    /// QIDO-RS: studies matching `query` (at most query.limit when it is set; `truncated` when there were more).
    std::optional<PacsStudyList> findStudies(const StudyQuery& query, QString* error = nullptr);
    /// WADO-RS: the study's instances into <outputFolder>/<SHA-256 hex of its UID>/; `progress` (optional) is called
    /// on this thread as instances are written. Nothing is written unless the answer is a well-formed multipart body;
    /// parts of another study or not DICOM are refused (counted in refusedCount).
    std::optional<PacsRetrieveResult> retrieveStudy(const QString& studyInstanceUid, const QString& outputFolder,
        const PacsProgress& progress = {}, QString* error = nullptr);
    /// STOW-RS of DICOM Part 10 files; fails only when the server cannot be reached, and lists the files it (or the
    /// pre-scan) refused in the result.
    std::optional<PacsStoreResult> store(
        const QStringList& files, const PacsProgress& progress = {}, QString* error = nullptr);

    /// Stops the running request within 100 ms (thread-safe). Sticky: later calls fail as cancelled.
    void cancel() { m_cancelled.store(true); }

private:
    QString settingsProblem() const;

    QUrl m_baseUrl;
    int m_timeoutSeconds = 30;
    Limits m_limits;
    std::atomic<bool> m_cancelled { false };
};

} // namespace lrclr
