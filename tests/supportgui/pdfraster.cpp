#include "pdfraster.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>

namespace Boxoffice::Test {

using Core::ErrorCode;
using Core::fail;
using Core::Result;

namespace {

constexpr int kToolTimeoutMs = 60'000;

Result<> checkInput(const QString &pdfPath)
{
    if (!QFileInfo(pdfPath).isFile())
        return fail(ErrorCode::NotFound, QStringLiteral("no PDF at %1").arg(pdfPath));
    return {};
}

// Runs a poppler-utils tool to completion; Internal with its output if it is missing or fails.
Result<> runTool(const QString &tool, const QStringList &arguments)
{
    const QString program = QStandardPaths::findExecutable(tool);
    if (program.isEmpty()) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1 is not installed (Debian package poppler-utils)").arg(tool));
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted())
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1 did not start: %2").arg(tool, process.errorString()));
    if (!process.waitForFinished(kToolTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return fail(
            ErrorCode::Internal,
            QStringLiteral("%1 did not finish within %2 s").arg(tool).arg(kToolTimeoutMs / 1000));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("%1 %2 failed (exit code %3): %4")
                        .arg(tool, arguments.join(u' '))
                        .arg(process.exitCode())
                        .arg(QString::fromLocal8Bit(process.readAll()).trimmed()));
    }
    return {};
}

} // namespace

Result<QList<QImage>> rasterizePdf(const QString &pdfPath, int dpi)
{
    if (auto ok = checkInput(pdfPath); !ok)
        return std::unexpected(ok.error());
    if (dpi < 1 || dpi > 1200)
        return fail(ErrorCode::BadRequest, QStringLiteral("dpi %1 is not in 1..1200").arg(dpi));
    QTemporaryDir folder;
    if (!folder.isValid())
        return fail(ErrorCode::Internal,
                    QStringLiteral("no temporary folder: %1").arg(folder.errorString()));
    const QString prefix = folder.filePath(QStringLiteral("page"));
    if (auto ran = runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QString::number(dpi),
                                                        QStringLiteral("-png"), pdfPath, prefix});
        !ran) {
        return std::unexpected(ran.error());
    }

    // pdftoppm names pages page-1.png … or page-01.png … depending on the page count.
    QStringList files = QDir(folder.path()).entryList({QStringLiteral("page-*.png")}, QDir::Files);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(files.begin(), files.end(), numeric);
    if (files.isEmpty())
        return fail(ErrorCode::Internal,
                    QStringLiteral("pdftoppm produced no pages for %1").arg(pdfPath));
    QList<QImage> pages;
    for (const QString &file : files) {
        QImage page(folder.filePath(file));
        if (page.isNull())
            return fail(ErrorCode::Internal, QStringLiteral("cannot read %1").arg(file));
        pages.append(page);
    }
    return pages;
}

Result<QStringList> pdfPageTexts(const QString &pdfPath)
{
    if (auto ok = checkInput(pdfPath); !ok)
        return std::unexpected(ok.error());
    QTemporaryDir folder;
    if (!folder.isValid())
        return fail(ErrorCode::Internal,
                    QStringLiteral("no temporary folder: %1").arg(folder.errorString()));
    const QString textPath = folder.filePath(QStringLiteral("text.txt"));
    if (auto ran =
            runTool(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), QStringLiteral("-enc"),
                                                  QStringLiteral("UTF-8"), pdfPath, textPath});
        !ran) {
        return std::unexpected(ran.error());
    }
    QFile file(textPath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            ErrorCode::Internal,
            QStringLiteral("cannot read the text of %1: %2").arg(pdfPath, file.errorString()));
    // Pages end with a form feed; the last one too.
    QStringList pages = QString::fromUtf8(file.readAll()).split(u'\f');
    if (!pages.isEmpty() && pages.constLast().trimmed().isEmpty())
        pages.removeLast();
    return pages;
}

} // namespace Boxoffice::Test
