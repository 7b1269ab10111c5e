package io.magnetar.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.broker.metadata.MetadataException;
import io.magnetar.client.MagnetarClientException;
import org.agrona.ErrorHandler;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The admin API's routes: each an HTTP method and a URI template ({@code /admin/v2/tenants/{tenant}}) matched by
 * Jetty's {@link UriTemplatePathSpec}, and the handler that answers it. Answers are JSON (through Jackson); refusals
 * are {@code {"reason": "..."}} with the status Pulsar gives for the same case, and nothing a client sends is answered
 * with a 500 unless the broker itself failed.
 */
final class Routes extends Handler.Abstract implements RouteRegistrar
{
    /**
     * Answers one route.
     */
    @FunctionalInterface
    interface RouteHandler
    {
        /**
         * @param call the request.
         * @return the answer: serialised as JSON; a {@link RestResponse} as it is; null for 204 No Content.
         * @throws Exception a {@link RestException}, {@link MetadataException} or {@link MagnetarClientException}
         *                   for a refusal; anything else is a 500.
         */
        Object handle(RestCall call) throws Exception;
    }

    private record Route(String method, UriTemplatePathSpec spec, RouteHandler handler, boolean open)
    {
    }

    private static final String JSON = "application/json";

    private static final String BEARER = "Bearer ";

    private final List<Route> routes = new ArrayList<>();
    private final ObjectMapper mapper;
    private final ErrorHandler errorHandler;
    private final int maxBodyLength;
    private final TokenAuthenticator authenticator;

    /**
     * @param mapper        for JSON bodies.
     * @param errorHandler  told of failures that are the broker's, not the request's.
     * @param maxBodyLength longest request body accepted.
     * @param authenticator of the callers' bearer tokens, or null when authentication is off.
     */
    Routes(
        final ObjectMapper mapper,
        final ErrorHandler errorHandler,
        final int maxBodyLength,
        final TokenAuthenticator authenticator)
    {
        this.mapper = mapper;
        this.errorHandler = errorHandler;
        this.maxBodyLength = maxBodyLength;
        this.authenticator = authenticator;
    }

    /**
     * @param method   HTTP method.
     * @param template URI template, e.g. {@code /admin/v2/tenants/{tenant}}.
     * @param handler  of the route.
     * @return this for a fluent API.
     */
    public Routes add(final String method, final String template, final RouteHandler handler)
    {
        routes.add(new Route(method, new UriTemplatePathSpec(template), handler, false));
        return this;
    }

    /**
     * @param guard wraps each handler, e.g. with a role check.
     * @return a registrar that adds routes to these with the guard in front.
     */
    RouteRegistrar guarded(final UnaryOperator<RouteHandler> guard)
    {
        return new RouteRegistrar()
        {
            public RouteRegistrar add(final String method, final String template, final RouteHandler handler)
            {
                Routes.this.add(method, template, guard.apply(handler));
                return this;
            }
        };
    }

    /**
     * A route served without a token even when authentication is on (readiness, metrics), as Pulsar serves them.
     *
     * @param method   HTTP method.
     * @param template URI template.
     * @param handler  of the route.
     * @return this for a fluent API.
     */
    Routes addOpen(final String method, final String template, final RouteHandler handler)
    {
        routes.add(new Route(method, new UriTemplatePathSpec(template), handler, true));
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public boolean handle(final Request request, final Response response, final Callback callback)
    {
        final String path = Request.getPathInContext(request);
        Route matched = null;
        boolean pathKnown = false;
        for (final Route route : routes)
        {
            if (route.spec.matches(path))
            {
                pathKnown = true;
                if (route.method.equals(request.getMethod()))
                {
                    matched = route;
                    break;
                }
            }
        }

        try
        {
            if (null == matched)
            {
                throw pathKnown ?
                    new RestException(405, request.getMethod() + " is not allowed on " + path) :
                    RestException.notFound("no admin resource at " + path);
            }
            final String role = matched.open ? null : authenticate(request);
            final Map<String, String> params = matched.spec.getPathParams(path);
            final Object answer = matched.handler.handle(new RestCall(request, params, mapper, maxBodyLength, role));
            if (null == answer)
            {
                response.setStatus(204);
                callback.succeeded();
            }
            else if (answer instanceof RestResponse)
            {
                final RestResponse rest = (RestResponse)answer;
                write(response, callback, rest.status(), rest.contentType(), rest.body());
            }
            else
            {
                write(response, callback, 200, JSON, mapper.writeValueAsString(answer));
            }
        }
        catch (final Exception ex)
        {
            refuse(response, callback, ex);
        }

        return true;
    }

    private String authenticate(final Request request)
    {
        if (null == authenticator)
        {
            return null;
        }
        final String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        final String token = null != header && header.startsWith(BEARER) ? header.substring(BEARER.length()) : null;
        try
        {
            return authenticator.authenticate(token, System.currentTimeMillis());
        }
        catch (final TokenAuthenticator.AuthenticationException ex)
        {
            throw new RestException(401, ex.getMessage() + (null == header ? " (send it as Authorization: Bearer " +
                "TOKEN)" : ""));
        }
    }

    private void refuse(final Response response, final Callback callback, final Exception ex)
    {
        final int status = status(ex);
        if (status >= 500)
        {
            errorHandler.onError(ex);
        }
        String reason = ex.getMessage();
        if (null == reason)
        {
            reason = ex.getClass().getSimpleName();
        }
        try
        {
            write(response, callback, status, JSON, mapper.writeValueAsString(Map.of("reason", reason)));
        }
        catch (final Exception writeFailure)
        {
            callback.failed(writeFailure);
        }
    }

    static int status(final Exception ex)
    {
        if (ex instanceof RestException)
        {
            return ((RestException)ex).status();
        }
        if (ex instanceof MetadataException)
        {
            switch (((MetadataException)ex).reason())
            {
                case NOT_FOUND:
                    return 404;
                case ALREADY_EXISTS:
                case NOT_EMPTY:
                    return 409;
                default:
                    return 412; // Pulsar's answer to invalid names and clusters that do not exist
            }
        }
        if (ex instanceof MagnetarClientException.TimeoutException ||
            ex instanceof MagnetarClientException.ConnectionLostException)
        {
            return 503; // the broker did not answer in time, or the admin API's session to it is down
        }
        if (ex instanceof MagnetarClientException)
        {
            // no code: the admin API's session failed (closed, interrupted, an unreadable answer): the resources
            // check names and values before they call it, so it is not the request's fault
            final MagnetarClientException.ErrorCode code = ((MagnetarClientException)ex).errorCode();
            return null == code ? 503 : status(code);
        }
        if (ex instanceof HttpException)
        {
            return ((HttpException)ex).getCode(); // Jetty's own refusals, e.g. a malformed query string (400)
        }
        if (ex instanceof IllegalArgumentException)
        {
            return 400;
        }
        return 500;
    }

    private static int status(final MagnetarClientException.ErrorCode code)
    {
        switch (code)
        {
            case NAMESPACE_NOT_FOUND:
            case TOPIC_NOT_FOUND:
            case SUBSCRIPTION_NOT_FOUND:
            case CONSUMER_NOT_FOUND:
            case PRODUCER_NOT_FOUND:
                return 404;
            case INVALID_TOPIC_NAME:
            case CONSUMER_BUSY:
                return 412;
            case TOPIC_ALREADY_EXISTS:
                return 409;
            case INVALID_ARGUMENT:
            case MALFORMED_FRAME:
            case MESSAGE_TOO_LARGE:
                return 400;
            case AUTHENTICATION_ERROR:
                return 401;
            case AUTHORIZATION_ERROR:
                return 403;
            case TOO_MANY_REQUESTS:
                return 429;
            case UNSUPPORTED_OPERATION:
                return 501; // an answer larger than one frame: the broker cannot give it
            case SERVICE_NOT_READY:
                return 503;
            default:
                return 500;
        }
    }

    private static void write(
        final Response response, final Callback callback, final int status, final String contentType, final String body)
    {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, body, callback);
    }
}
