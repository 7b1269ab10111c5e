package io.magnetar.broker.session;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.Image;
import io.aeron.Subscription;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;

/**
 * Checks the channel a connecting client asks to be answered on, and keeps the channels in use so no two sessions
 * share one: the media must be the ingress's, a UDP answer must go to the address the client's frames come from,
 * and the broker sets its own term length; an MTU the client asks for (a same-host client asks for a large one) is
 * kept if Aeron can use it.
 */
final class ResponseChannels
{
    private static final int MIN_MTU_LENGTH = 1408;
    private static final int MAX_UDP_PAYLOAD_LENGTH = 65504;

    private final Subscription udpIngress;
    private final int egressTermLength;
    private final HashSet<String> inUse = new HashSet<>();

    /**
     * @param udpIngress       UDP ingress subscription, or null.
     * @param egressTermLength term length of answer publications.
     */
    ResponseChannels(final Subscription udpIngress, final int egressTermLength)
    {
        this.udpIngress = udpIngress;
        this.egressTermLength = egressTermLength;
    }

    /**
     * @param transport       of the client's ingress image.
     * @param imageSessionId  session id of the client's ingress image.
     * @param responseChannel as asked for by the client.
     * @param responseStreamId as asked for by the client.
     * @return the channel the broker answers on.
     * @throws IllegalArgumentException if the channel is not acceptable or already in use.
     */
    String resolve(
        final int transport, final int imageSessionId, final String responseChannel, final int responseStreamId)
    {
        final ChannelUri uri = ChannelUri.parse(responseChannel);
        final String media = uri.media();
        final String expectedMedia =
            ClientSession.TRANSPORT_UDP == transport ? CommonContext.UDP_MEDIA : CommonContext.IPC_MEDIA;
        if (!expectedMedia.equals(media))
        {
            throw new IllegalArgumentException(
                "response channel media must be " + expectedMedia + " like the ingress, not " + media);
        }
        if (ClientSession.TRANSPORT_UDP == transport)
        {
            checkResponseHost(uri.get(CommonContext.ENDPOINT_PARAM_NAME), imageSessionId);
        }
        uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(egressTermLength));
        final String mtu = uri.get(CommonContext.MTU_LENGTH_PARAM_NAME);
        if (null != mtu && !isValidMtu(mtu))
        {
            uri.remove(CommonContext.MTU_LENGTH_PARAM_NAME); // the broker's default rather than no answer at all
        }
        uri.put(CommonContext.SPARSE_PARAM_NAME, "true");
        final String channel = uri.toString();
        if (inUse.contains(key(channel, responseStreamId)))
        {
            throw new IllegalArgumentException("response channel is in use by another session");
        }

        return channel;
    }

    /**
     * @param mtu as the client asked for it.
     * @return true if Aeron takes it on an answer publication of the egress term length: a multiple of 32 from
     * 1408 (Aeron's default) to 65504, at most an eighth of the term.
     */
    private boolean isValidMtu(final String mtu)
    {
        try
        {
            final int length = Integer.parseInt(mtu);
            return length >= MIN_MTU_LENGTH && length <= MAX_UDP_PAYLOAD_LENGTH && 0 == (length & 31) &&
                length <= egressTermLength / 8;
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }

    /**
     * @param channel  as resolved.
     * @param streamId of the answers.
     * @return the key that names the channel and stream while in use.
     */
    static String key(final String channel, final int streamId)
    {
        return channel + "#" + streamId;
    }

    void reserve(final String channelKey)
    {
        inUse.add(channelKey);
    }

    void release(final String channelKey)
    {
        inUse.remove(channelKey);
    }

    /**
     * A UDP client must ask to be answered at the address its frames come from, so no client can aim the broker's
     * answers at another host.
     */
    private void checkResponseHost(final String endpoint, final int imageSessionId)
    {
        if (null == endpoint || endpoint.lastIndexOf(':') <= 0)
        {
            throw new IllegalArgumentException("udp response channel needs an endpoint host:port");
        }
        final Image image = udpIngress.imageBySessionId(imageSessionId);
        if (null == image)
        {
            throw new IllegalArgumentException("no ingress image for session " + imageSessionId);
        }

        final String sourceIdentity = image.sourceIdentity();
        final InetAddress source = literalAddress(sourceIdentity.substring(0, sourceIdentity.lastIndexOf(':')));
        final InetAddress requested = literalAddress(endpoint.substring(0, endpoint.lastIndexOf(':')));
        if (!source.equals(requested) && !(source.isLoopbackAddress() && requested.isLoopbackAddress()))
        {
            throw new IllegalArgumentException("response endpoint " + endpoint + " is not the client's address " +
                sourceIdentity);
        }
    }

    private static InetAddress literalAddress(final String host)
    {
        final String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        final boolean literal = bare.indexOf(':') >= 0 || bare.matches("[0-9.]+");
        if (!literal && !"localhost".equals(bare))
        {
            throw new IllegalArgumentException("response endpoint host must be an IP address: " + host);
        }
        try
        {
            return InetAddress.getByName(bare);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("bad response endpoint host " + host, ex);
        }
    }
}
