import Glibc
internal import CPNG

extension QRCode {
    /// Writes the code as an 8-bit greyscale PNG, `scale` pixels per module, with a light
    /// margin of `quietZone` modules.
    ///
    /// The file is new and private: created with O_EXCL (an existing file or link is never
    /// replaced or followed), mode 0600 whatever the umask, synced before it is reported
    /// written. On failure the partial file is removed.
    public func writePNG(to path: String, scale: Int = 8, quietZone: Int = 4) throws(QRCodeError) {
        let scale = min(max(scale, 1), 64)
        let margin = min(max(quietZone, 0), 16)
        var (side, pixels) = self.pixels(scale: scale, quietZone: margin)
        defer { pixels.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } } }

        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .fileExists(path: path) }
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        var written = false
        defer { if !written { unlink(path) } }
        guard fchmod(fd, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotWrite(path: path, reason: reason)
        }
        guard let file = fdopen(fd, "wb") else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotWrite(path: path, reason: reason)
        }
        var image = png_image()
        image.version = tc_png_image_version()
        image.width = UInt32(side)
        image.height = UInt32(side)
        image.format = tc_png_format_gray()
        let ok = pixels.withUnsafeBytes { buffer in
            png_image_write_to_stdio(&image, file, 0, buffer.baseAddress, Int32(side), nil) != 0
        }
        let failed = !ok || tc_png_image_failed(&image) != 0
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        let flushed = fflush(file) == 0 && fsync(fd) == 0
        let flushError = errno
        let closed = fclose(file) == 0
        if failed { throw .cannotWrite(path: path, reason: message.isEmpty ? "libpng failed" : "libpng: \(message)") }
        guard flushed, closed else { throw .cannotWrite(path: path, reason: String(cString: strerror(flushed ? errno : flushError))) }
        written = true
    }
}
