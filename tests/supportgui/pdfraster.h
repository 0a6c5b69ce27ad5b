#pragma once

#include "core/common/result.h"

#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>

// Reading PDFs back in GUI tests, through poppler-utils (pdftoppm, pdftotext), as a person or a
// print shop would see them. Each call runs the tool in a temporary folder and waits for it
// (at most a minute). Any thread.
namespace Boxoffice::Test {

// Every page of the PDF at `pdfPath` as an image at `dpi` (1–1200), in page order.
// NotFound if there is no such file; BadRequest for a dpi out of range; Internal, with the
// tool's own message, if pdftoppm is not installed (poppler-utils), fails or produces no pages.
[[nodiscard]] Core::Result<QList<QImage>> rasterizePdf(const QString &pdfPath, int dpi);

// The text of every page of the PDF (pdftotext -layout: one text line per printed line), in
// page order. Errors as rasterizePdf.
[[nodiscard]] Core::Result<QStringList> pdfPageTexts(const QString &pdfPath);

} // namespace Boxoffice::Test
