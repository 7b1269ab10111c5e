package io.magnetar.admin;

/**
 * What a route answers when it is not JSON: a status and a body of a given content type.
 *
 * @param status      HTTP status.
 * @param contentType of the body.
 * @param body        text of the body.
 */
record RestResponse(int status, String contentType, String body)
{
    /**
     * @param body plain text.
     * @return a 200 with that text.
     */
    static RestResponse text(final String body)
    {
        return new RestResponse(200, "text/plain;charset=utf-8", body);
    }
}
