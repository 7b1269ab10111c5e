package io.magnetar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One admin request as a route sees it: its path parameters, query parameters and JSON body, each read with a clear
 * 400 for bad input.
 */
final class RestCall
{
    private final Request request;
    private final Map<String, String> pathParams;
    private final ObjectMapper mapper;
    private final int maxBodyLength;
    private final String role;
    private Fields query;
    private String body;

    RestCall(
        final Request request,
        final Map<String, String> pathParams,
        final ObjectMapper mapper,
        final int maxBodyLength,
        final String role)
    {
        this.role = role;
        this.request = request;
        this.pathParams = pathParams;
        this.mapper = mapper;
        this.maxBodyLength = maxBodyLength;
    }

    /**
     * @return the caller's role from its token, or null when authentication is off.
     */
    String role()
    {
        return role;
    }

    /**
     * @param name of a path parameter of the route.
     * @return its value.
     */
    String path(final String name)
    {
        final String value = pathParams.get(name);
        if (null == value)
        {
            throw new IllegalStateException("the route has no path parameter " + name);
        }
        try
        {
            return URIUtil.decodePath(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw RestException.badRequest("bad escape in the path: " + value);
        }
    }

    /**
     * @param name         of a query parameter.
     * @param defaultValue when it is missing.
     * @return its value as a boolean.
     */
    boolean queryBoolean(final String name, final boolean defaultValue)
    {
        final String value = query(name);
        if (null == value)
        {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))
        {
            return Boolean.parseBoolean(value);
        }
        throw RestException.badRequest("query parameter " + name + " must be true or false, not '" + value + "'");
    }

    /**
     * @param name of a query parameter.
     * @return its value, or null when missing.
     */
    String query(final String name)
    {
        if (null == query)
        {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        return query.getValue(name);
    }

    /**
     * @param name  of a path parameter holding a number.
     * @return its value.
     */
    long pathLong(final String name)
    {
        final String value = path(name);
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw RestException.badRequest(name + " must be a number, not '" + value + "'");
        }
    }

    /**
     * @param type of the body.
     * @param <T>  the type.
     * @return the JSON body read as that type.
     * @throws RestException 400 if the body is missing, too long or not valid JSON of that shape.
     */
    <T> T body(final Class<T> type)
    {
        final String text = bodyText();
        if (text.isBlank())
        {
            throw RestException.badRequest("the request needs a JSON body (" + type.getSimpleName() + ")");
        }
        try
        {
            final T value = mapper.readValue(text, type);
            if (null == value)
            {
                throw RestException.badRequest("the JSON body is null; expected " + type.getSimpleName());
            }
            return value;
        }
        catch (final JsonProcessingException ex)
        {
            throw RestException.badRequest("bad JSON body: " + ex.getOriginalMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            throw RestException.badRequest("bad JSON body: " + ex.getMessage());
        }
    }

    /**
     * @return the body as text; empty if none.
     */
    String bodyText()
    {
        if (null != body)
        {
            return body;
        }
        try
        {
            final byte[] bytes = Content.Source.asByteArrayAsync(request, maxBodyLength).get();
            body = new String(bytes, StandardCharsets.UTF_8);
            return body;
        }
        catch (final ExecutionException ex)
        {
            throw new RestException(413, "the request body is larger than " + maxBodyLength + " bytes, or could " +
                "not be read: " + ex.getCause().getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RestException(503, "interrupted while reading the request body");
        }
    }
}
