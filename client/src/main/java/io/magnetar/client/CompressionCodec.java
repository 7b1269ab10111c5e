package io.magnetar.client;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses and decompresses between direct byte buffers with one codec, through its library (lz4-java, zstd-jni,
 * snappy-java, or the JDK's zlib). One instance per producer or consumer, used by one thread at a time; it keeps its
 * native state and allocates nothing per call.
 */
abstract class CompressionCodec
{
    /**
     * @param type of compression; not {@link CompressionType#NONE}.
     * @return a new codec of that type.
     */
    static CompressionCodec newCodec(final CompressionType type)
    {
        switch (type)
        {
            case LZ4:
                return new Lz4();
            case ZLIB:
                return new Zlib();
            case ZSTD:
                return new ZstdCodec();
            case SNAPPY:
                return new SnappyCodec();
            default:
                throw new IllegalArgumentException("no codec for compression type " + type);
        }
    }

    /**
     * @param length of the input.
     * @return most bytes its compressed form can take.
     */
    abstract int maxCompressedLength(int length);

    /**
     * Compress {@code src[srcOffset, srcOffset + srcLength)} to the start of {@code dst}.
     *
     * @param src       direct buffer holding the input.
     * @param srcOffset of the input.
     * @param srcLength of the input.
     * @param dst       direct buffer with at least {@link #maxCompressedLength(int)} bytes.
     * @return length of the compressed bytes.
     */
    abstract int compress(ByteBuffer src, int srcOffset, int srcLength, ByteBuffer dst);

    /**
     * Decompress {@code src[srcOffset, srcOffset + srcLength)} to the start of {@code dst}.
     *
     * @param src              direct buffer holding the compressed bytes.
     * @param srcOffset        of the compressed bytes.
     * @param srcLength        of the compressed bytes.
     * @param dst              direct buffer with at least {@code uncompressedSize} bytes.
     * @param uncompressedSize the sender gave.
     * @throws MagnetarClientException if the bytes are not valid for the codec or do not decompress to that size.
     */
    abstract void decompress(ByteBuffer src, int srcOffset, int srcLength, ByteBuffer dst, int uncompressedSize)
        throws MagnetarClientException;

    static MagnetarClientException corrupt(final String codec, final int uncompressedSize, final String why)
    {
        return new MagnetarClientException(
            "could not decompress a " + codec + " payload of " + uncompressedSize + " bytes: " + why);
    }

    private static void window(final ByteBuffer buffer, final int offset, final int length)
    {
        buffer.limit(offset + length).position(offset);
    }

    static final class Lz4 extends CompressionCodec
    {
        private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();

        int maxCompressedLength(final int length)
        {
            return compressor.maxCompressedLength(length);
        }

        int compress(final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst)
        {
            return compressor.compress(src, srcOffset, srcLength, dst, 0, dst.capacity());
        }

        void decompress(
            final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst,
            final int uncompressedSize) throws MagnetarClientException
        {
            final int length;
            try
            {
                length = decompressor.decompress(src, srcOffset, srcLength, dst, 0, uncompressedSize);
            }
            catch (final RuntimeException ex)
            {
                throw corrupt("LZ4", uncompressedSize, String.valueOf(ex.getMessage()));
            }
            if (length != uncompressedSize)
            {
                throw corrupt("LZ4", uncompressedSize, "it holds " + length + " bytes");
            }
        }
    }

    static final class Zlib extends CompressionCodec
    {
        private final Deflater deflater = new Deflater();
        private final Inflater inflater = new Inflater();

        int maxCompressedLength(final int length)
        {
            // deflate's stored blocks add 5 bytes per 16 KiB block, plus the zlib header and trailer
            return length + (length >> 12) + (length >> 14) + 64;
        }

        int compress(final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst)
        {
            deflater.reset();
            window(src, srcOffset, srcLength);
            deflater.setInput(src);
            deflater.finish();
            dst.clear();
            while (!deflater.finished())
            {
                if (0 == deflater.deflate(dst) && !dst.hasRemaining())
                {
                    throw new IllegalStateException("zlib output exceeded " + dst.capacity() + " bytes");
                }
            }
            return dst.position();
        }

        void decompress(
            final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst,
            final int uncompressedSize) throws MagnetarClientException
        {
            inflater.reset();
            window(src, srcOffset, srcLength);
            inflater.setInput(src);
            window(dst, 0, uncompressedSize);
            try
            {
                while (!inflater.finished())
                {
                    if (0 == inflater.inflate(dst) &&
                        (!dst.hasRemaining() || inflater.needsInput() || inflater.needsDictionary()))
                    {
                        break;
                    }
                }
            }
            catch (final DataFormatException ex)
            {
                throw corrupt("ZLIB", uncompressedSize, String.valueOf(ex.getMessage()));
            }
            if (!inflater.finished() || dst.position() != uncompressedSize)
            {
                throw corrupt("ZLIB", uncompressedSize, "the stream is truncated or longer");
            }
        }
    }

    static final class ZstdCodec extends CompressionCodec
    {
        private static final int LEVEL = Zstd.defaultCompressionLevel();

        int maxCompressedLength(final int length)
        {
            return (int)Zstd.compressBound(length);
        }

        int compress(final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst)
        {
            final long length = Zstd.compressDirectByteBuffer(dst, 0, dst.capacity(), src, srcOffset, srcLength, LEVEL);
            if (Zstd.isError(length))
            {
                throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(length));
            }
            return (int)length;
        }

        void decompress(
            final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst,
            final int uncompressedSize) throws MagnetarClientException
        {
            final long length;
            try
            {
                length = Zstd.decompressDirectByteBuffer(dst, 0, uncompressedSize, src, srcOffset, srcLength);
            }
            catch (final RuntimeException ex)
            {
                throw corrupt("ZSTD", uncompressedSize, String.valueOf(ex.getMessage()));
            }
            if (Zstd.isError(length))
            {
                throw corrupt("ZSTD", uncompressedSize, Zstd.getErrorName(length));
            }
            if (length != uncompressedSize)
            {
                throw corrupt("ZSTD", uncompressedSize, "it holds " + length + " bytes");
            }
        }
    }

    static final class SnappyCodec extends CompressionCodec
    {
        int maxCompressedLength(final int length)
        {
            return Snappy.maxCompressedLength(length);
        }

        int compress(final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst)
        {
            window(src, srcOffset, srcLength);
            dst.clear();
            try
            {
                return Snappy.compress(src, dst);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("snappy compression failed: " + ex.getMessage(), ex);
            }
        }

        void decompress(
            final ByteBuffer src, final int srcOffset, final int srcLength, final ByteBuffer dst,
            final int uncompressedSize) throws MagnetarClientException
        {
            window(src, srcOffset, srcLength);
            final int length;
            try
            {
                if (Snappy.uncompressedLength(src) != uncompressedSize)
                {
                    throw corrupt("SNAPPY", uncompressedSize, "its header gives another size");
                }
                window(dst, 0, uncompressedSize);
                length = Snappy.uncompress(src, dst);
            }
            catch (final IOException | RuntimeException ex)
            {
                throw corrupt("SNAPPY", uncompressedSize, String.valueOf(ex.getMessage()));
            }
            if (length != uncompressedSize)
            {
                throw corrupt("SNAPPY", uncompressedSize, "it holds " + length + " bytes");
            }
        }
    }
}
