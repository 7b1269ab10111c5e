package io.magnetar.client;

/**
 * A parsed service URL: {@code magnetar://host[:port][/]} for UDP or {@code magnetar+ipc://} for IPC.
 */
final class ServiceUrl
{
    private final String text;
    private final boolean ipc;
    private final String host;
    private final int port;

    private ServiceUrl(final String text, final boolean ipc, final String host, final int port)
    {
        this.text = text;
        this.ipc = ipc;
        this.host = host;
        this.port = port;
    }

    /**
     * Parse and validate a service URL.
     *
     * @param serviceUrl as given by the application.
     * @return the parsed URL.
     * @throws IllegalArgumentException saying what is wrong with the URL.
     */
    static ServiceUrl parse(final String serviceUrl)
    {
        if (null == serviceUrl || serviceUrl.isBlank())
        {
            throw new IllegalArgumentException("service URL is empty");
        }

        final String url = serviceUrl.trim();
        if (url.startsWith(Protocol.IPC_URL_PREFIX))
        {
            return new ServiceUrl(url, true, null, 0);
        }
        if (!url.startsWith(Protocol.UDP_URL_PREFIX))
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': expected " +
                Protocol.UDP_URL_PREFIX + "host[:port] (UDP) or " + Protocol.IPC_URL_PREFIX + " (IPC)");
        }

        String authority = url.substring(Protocol.UDP_URL_PREFIX.length());
        final int slash = authority.indexOf('/');
        if (slash >= 0)
        {
            authority = authority.substring(0, slash);
        }
        if (authority.isEmpty())
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': no broker host");
        }
        if (authority.indexOf(',') >= 0)
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': only one broker host is supported");
        }

        final String host;
        final String portText;
        if (authority.startsWith("["))
        {
            final int close = authority.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException("invalid service URL '" + url + "': unterminated IPv6 address");
            }
            host = authority.substring(1, close);
            final String rest = authority.substring(close + 1);
            if (rest.isEmpty())
            {
                portText = null;
            }
            else if (rest.startsWith(":"))
            {
                portText = rest.substring(1);
            }
            else
            {
                throw new IllegalArgumentException("invalid service URL '" + url + "': unexpected '" + rest + "'");
            }
        }
        else
        {
            final int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(':') != colon)
            {
                throw new IllegalArgumentException(
                    "invalid service URL '" + url + "': write an IPv6 address in brackets, e.g. [::1]:6650");
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }

        if (host.isEmpty())
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': no broker host");
        }

        return new ServiceUrl(url, false, host, null == portText ? Protocol.DEFAULT_PORT : parsePort(url, portText));
    }

    private static int parsePort(final String url, final String portText)
    {
        final int port;
        try
        {
            port = Integer.parseInt(portText);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': bad port '" + portText + "'", ex);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("invalid service URL '" + url + "': port " + port + " out of range");
        }

        return port;
    }

    /**
     * @return true for IPC, false for UDP.
     */
    boolean isIpc()
    {
        return ipc;
    }

    /**
     * @return broker host name or address without brackets; null for IPC.
     */
    String host()
    {
        return host;
    }

    /**
     * @return broker port; 0 for IPC.
     */
    int port()
    {
        return port;
    }

    /**
     * @return host and port as an Aeron endpoint, with IPv6 addresses in brackets.
     */
    String endpoint()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @param termLength term length of the client's ingress publication.
     * @return the Aeron channel of the broker's ingress.
     */
    String ingressChannel(final int termLength)
    {
        return ingressChannel(termLength, 0);
    }

    /**
     * @param termLength term length of the client's ingress publication.
     * @param mtuLength  MTU of a UDP ingress, or 0 for Aeron's default.
     * @return the Aeron channel of the broker's ingress.
     */
    String ingressChannel(final int termLength, final int mtuLength)
    {
        return ipc ?
            "aeron:ipc?term-length=" + termLength :
            "aeron:udp?endpoint=" + endpoint() + "|term-length=" + termLength +
            (mtuLength > 0 ? "|mtu=" + mtuLength : "");
    }

    /**
     * @return the URL as given, trimmed.
     */
    public String toString()
    {
        return text;
    }
}
