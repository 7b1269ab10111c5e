package io.magnetar.broker.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;

/**
 * Checks the JWT a client sends with {@code Connect}, as Pulsar's token authentication does: signed with the
 * broker's secret key (HS256) or with the private key of the broker's public key (RS256), not expired, with a
 * subject, which is the client's role. Keys are read in Pulsar's formats: raw secret bytes (or base64 text, or
 * {@code data:;base64,KEY}), and the X.509 DER public key.
 * <p>
 * Each authenticator also has an internal key of its own, random and held only in memory, for the broker's own
 * sessions (the admin API's session to the broker): {@link #internalToken(String)} signs a token with it, and only
 * this process can. Thread safe: Nimbus' verifiers and signers keep no state between calls.
 */
public final class TokenAuthenticator
{
    private static final int MIN_SECRET_BYTES = 32;
    private static final String BASE64_DATA_PREFIX = "data:;base64,";

    /** Key id of tokens signed with the internal key. */
    private static final String INTERNAL_KEY_ID = "magnetar-internal";

    private final JWSAlgorithm algorithm;
    private final JWSVerifier verifier;
    private final MACSigner internalSigner;
    private final MACVerifier internalVerifier;

    private TokenAuthenticator(final JWSAlgorithm algorithm, final JWSVerifier verifier)
    {
        this.algorithm = algorithm;
        this.verifier = verifier;
        final byte[] internalKey = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(internalKey);
        try
        {
            this.internalSigner = new MACSigner(internalKey);
            this.internalVerifier = new MACVerifier(internalKey);
        }
        catch (final JOSEException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A token for one of the broker's own sessions, signed with this authenticator's internal key: accepted by it
     * alone, never stored, without expiry (it lives as long as the process).
     *
     * @param role the token stands for.
     * @return the token.
     */
    public String internalToken(final String role)
    {
        try
        {
            final SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(INTERNAL_KEY_ID).build(),
                new JWTClaimsSet.Builder().subject(role).build());
            jwt.sign(internalSigner);
            return jwt.serialize();
        }
        catch (final JOSEException ex)
        {
            throw new IllegalStateException("could not sign an internal token: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param secretKey the broker's secret key, at least 32 bytes.
     * @return an authenticator of HS256 tokens.
     * @throws IllegalArgumentException if the key is too short.
     */
    public static TokenAuthenticator hs256(final byte[] secretKey)
    {
        if (secretKey.length < MIN_SECRET_BYTES)
        {
            throw new IllegalArgumentException("the secret key has " + secretKey.length + " bytes; HS256 needs at " +
                "least " + MIN_SECRET_BYTES + " (bin/magnetar tokens create-secret-key makes one)");
        }
        try
        {
            return new TokenAuthenticator(JWSAlgorithm.HS256, new MACVerifier(secretKey));
        }
        catch (final JOSEException ex)
        {
            throw new IllegalArgumentException("not a usable secret key: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param publicKeyDer the broker's public key, X.509 DER.
     * @return an authenticator of RS256 tokens.
     * @throws IllegalArgumentException if the key is not an RSA public key.
     */
    public static TokenAuthenticator rs256(final byte[] publicKeyDer)
    {
        try
        {
            final RSAPublicKey key = (RSAPublicKey)KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(publicKeyDer));
            return new TokenAuthenticator(JWSAlgorithm.RS256, new RSASSAVerifier(key));
        }
        catch (final GeneralSecurityException | ClassCastException ex)
        {
            throw new IllegalArgumentException(
                "not an RSA public key in X.509 DER (bin/magnetar tokens create-key-pair writes one)", ex);
        }
    }

    /**
     * @param file a key file, or {@code data:;base64,KEY}.
     * @return its bytes; a file of base64 text (as {@code tokens create-secret-key --base64} writes) is decoded.
     * @throws IllegalArgumentException if it cannot be read.
     */
    public static byte[] readKey(final String file)
    {
        if (file.startsWith(BASE64_DATA_PREFIX))
        {
            return Base64.getDecoder().decode(file.substring(BASE64_DATA_PREFIX.length()).trim());
        }
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(new File(file).toPath());
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + file + " (" + ex.getMessage() + ")", ex);
        }
        final String text = new String(bytes, StandardCharsets.US_ASCII).trim();
        if (bytes.length > MIN_SECRET_BYTES && text.length() % 4 == 0 && text.chars().allMatch(
            (c) -> Character.isLetterOrDigit(c) || '+' == c || '/' == c || '=' == c))
        {
            return Base64.getDecoder().decode(text);
        }

        return bytes;
    }

    /**
     * @param token the client's JWT, or empty.
     * @param nowMs epoch time, for the expiry.
     * @return the role the token stands for (its subject).
     * @throws AuthenticationException saying why the token is refused.
     */
    public String authenticate(final String token, final long nowMs) throws AuthenticationException
    {
        if (null == token || token.isEmpty())
        {
            throw new AuthenticationException("no token: this broker requires one (ClientBuilder.authToken, or " +
                "--auth-token on the command line)");
        }

        final SignedJWT jwt;
        try
        {
            jwt = SignedJWT.parse(token);
        }
        catch (final ParseException ex)
        {
            throw new AuthenticationException("malformed token: " + ex.getMessage());
        }
        final boolean internal = INTERNAL_KEY_ID.equals(jwt.getHeader().getKeyID()) &&
            JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm());
        if (!internal && !algorithm.equals(jwt.getHeader().getAlgorithm()))
        {
            throw new AuthenticationException("token signed with " + jwt.getHeader().getAlgorithm() + "; this " +
                "broker accepts " + algorithm);
        }

        final JWTClaimsSet claims;
        try
        {
            if (!jwt.verify(internal ? internalVerifier : verifier))
            {
                throw new AuthenticationException("bad token signature");
            }
            claims = jwt.getJWTClaimsSet();
        }
        catch (final JOSEException | ParseException ex)
        {
            throw new AuthenticationException("token cannot be verified: " + ex.getMessage());
        }

        final Date expiry = claims.getExpirationTime();
        if (null != expiry && expiry.getTime() <= nowMs)
        {
            throw new AuthenticationException("token expired at " + expiry.toInstant());
        }
        final String subject = claims.getSubject();
        if (null == subject || subject.isBlank())
        {
            throw new AuthenticationException("token has no subject (role)");
        }
        if (!internal && Authorizer.INTERNAL_ROLE.equals(subject))
        {
            throw new AuthenticationException("the role " + subject + " is reserved for the broker's own sessions");
        }

        return subject;
    }

    /**
     * A token the broker refuses; the message says why and is sent to the client.
     */
    public static final class AuthenticationException extends Exception
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param message why the token is refused.
         */
        public AuthenticationException(final String message)
        {
            super(message, null, false, false);
        }
    }
}
