package io.magnetar.client.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP calls of the admin client: JSON in and out through Jackson, the token as a bearer header, and a refusal
 * turned into a {@link MagnetarAdminException} with the broker's status and reason.
 */
final class AdminHttp
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpClient http;
    private final String baseUrl;
    private final String authToken;
    private final Duration requestTimeout;

    AdminHttp(
        final String baseUrl,
        final String authToken,
        final Duration connectTimeout,
        final Duration requestTimeout,
        final SSLContext sslContext)
    {
        final HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (null != sslContext)
        {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authToken = authToken;
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param part of a path.
     * @return it encoded as one path segment.
     */
    static String segment(final String part)
    {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    <T> T get(final String path, final Class<T> type) throws MagnetarAdminException
    {
        final String body = call("GET", path, null);
        return null == body ? null : read(body, type);
    }

    <T> T get(final String path, final TypeReference<T> type) throws MagnetarAdminException
    {
        final String body = call("GET", path, null);
        try
        {
            return null == body ? null : MAPPER.readValue(body, type);
        }
        catch (final JsonProcessingException ex)
        {
            throw new MagnetarAdminException(-1, "unreadable answer to GET " + path + ": " + ex.getMessage(), ex);
        }
    }

    String getText(final String path) throws MagnetarAdminException
    {
        return call("GET", path, null);
    }

    void put(final String path, final Object body) throws MagnetarAdminException
    {
        call("PUT", path, body);
    }

    void post(final String path, final Object body) throws MagnetarAdminException
    {
        call("POST", path, body);
    }

    void delete(final String path) throws MagnetarAdminException
    {
        call("DELETE", path, null);
    }

    private <T> T read(final String body, final Class<T> type) throws MagnetarAdminException
    {
        try
        {
            return MAPPER.readValue(body, type);
        }
        catch (final JsonProcessingException ex)
        {
            throw new MagnetarAdminException(-1, "unreadable answer: " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the answer's body, or null for 204 No Content.
     */
    private String call(final String method, final String path, final Object body) throws MagnetarAdminException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout);
        if (null != authToken)
        {
            request.header("Authorization", "Bearer " + authToken);
        }
        try
        {
            if (null != body)
            {
                request.header("Content-Type", "application/json");
                request.method(method, HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
            }
            else
            {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            final HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            final int status = response.statusCode();
            if (status >= 200 && status < 300)
            {
                return 204 == status ? null : response.body();
            }
            throw new MagnetarAdminException(status, method + " " + path + ": " + reason(response), null);
        }
        catch (final JsonProcessingException ex)
        {
            throw new MagnetarAdminException(-1, "could not write the body of " + method + " " + path, ex);
        }
        catch (final IOException ex)
        {
            throw new MagnetarAdminException(-1, method + " " + baseUrl + path + " failed: " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new MagnetarAdminException(-1, method + " " + path + " was interrupted", ex);
        }
    }

    private static String reason(final HttpResponse<String> response)
    {
        final String body = response.body();
        try
        {
            final JsonNode reason = MAPPER.readTree(body).path("reason");
            if (reason.isTextual())
            {
                return reason.asText() + " (HTTP " + response.statusCode() + ")";
            }
        }
        catch (final JsonProcessingException ignore)
        {
            // not JSON: the body as it is
        }
        return "HTTP " + response.statusCode() + (null == body || body.isEmpty() ? "" : ": " + body);
    }
}
