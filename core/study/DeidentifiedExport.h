#pragma once

#include <string>

#include <QList>
#include <QString>
#include <QStringList>

#include "core/dicom/DicomDeidentifier.h"

namespace lrclr {

/// A de-identified copy of studies in a new folder, for `lrclr anonymize` and the viewer's export alike: DICOM files
/// (StudyFileType decides) through one DicomDeidentifier, so UIDs stay linked across them and every report is
/// scrubbed of the identity of all of them; plain-text reports (.txt) scrubbed. Outputs are named by us (IM0001.dcm;
/// IM0001.txt for the report whose file name matches that image's), never from input names, which may hold
/// identity; inputs are never modified; the folder must be new or empty. Files of other kinds are listed as
/// skipped. Reentrant (no shared state); slow: run it off the GUI thread.
class DeidentifiedExport {
public:
    /// What happened to one input.
    struct Item {
        enum class Kind { Dicom, Report, Text, Skipped };
        QString input;
        Kind kind = Kind::Skipped;
        QString output; ///< empty when nothing was written
        QString error; ///< why it failed; empty on success
        QString warning; ///< e.g. text burned into the pixels (not examined)
    };

    struct Outcome {
        QString folder; ///< absolute; empty when the export could not start (`error` says why)
        QString error;
        QList<Item> items;
        int written = 0;
        int failed = 0;
        int skipped = 0;
    };

    /// The DICOM files and reports among `paths` (files, or folders searched recursively), each once, sorted.
    struct Inputs {
        QStringList dicom;
        QStringList reports;
        QStringList skipped;
        /// Text made from the study (e.g. an analysis JSON), written scrubbed into the folder under `fileName`.
        struct NamedText {
            QString fileName;
            std::string contents;
        };
        QList<NamedText> texts;
    };
    static Inputs gather(const QStringList& paths);

    /// Writes de-identified copies of `inputs` into `folder` (created when missing).
    static Outcome run(const Inputs& inputs, const QString& folder, const DicomDeidentifier::Options& options);
};

} // namespace lrclr
