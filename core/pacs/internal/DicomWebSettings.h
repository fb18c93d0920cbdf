#pragma once

#include <QUrl>

#include "core/pacs/internal/HttpExchange.h"
#include "core/pacs/internal/MultipartParser.h"

namespace lrclr::internal {

/// What every DICOMweb operation of DicomWebClient needs: the service's root URL ("http://host:port/dicom-web"), how
/// to run its HTTP requests, and the limits on a WADO-RS answer.
struct DicomWebSettings {
    QUrl baseUrl;
    HttpSettings http;
    MultipartParser::Limits parts;

    /// baseUrl + "/" + `path` (path without a leading slash; its pieces are already percent-encoded).
    QUrl url(const QString& path) const
    {
        QUrl result = baseUrl;
        QString basePath = result.path();
        while (basePath.endsWith(u'/'))
            basePath.chop(1);
        result.setPath(basePath + u'/' + path, QUrl::StrictMode);
        return result;
    }
};

} // namespace lrclr::internal
