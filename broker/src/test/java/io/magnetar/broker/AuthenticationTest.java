package io.magnetar.broker;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that requires tokens: a client with a valid one works; one without a token, or with a malformed, badly
 * signed, expired, subject-less or wrongly signed one is refused at connect with {@code AUTHENTICATION_ERROR} and a
 * reason, and nothing it could have sent is stored.
 */
class AuthenticationTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/auth";
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    @Test
    void shouldTakeValidHs256TokensAndRefuseEveryOtherWithItsReason() throws Exception
    {
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final byte[] otherSecret = new byte[32];
        new SecureRandom().nextBytes(otherSecret);
        harness = new BrokerHarness(dataDir);
        harness.authenticator = TokenAuthenticator.hs256(secret);
        harness.start();

        final long nowMs = System.currentTimeMillis();
        try (MagnetarClient client = client(token(new MACSigner(secret), JWSAlgorithm.HS256, "app", nowMs + HOUR_MS));
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            producer.send("authenticated".getBytes());
            assertEquals("authenticated", consumer.receive(10, TimeUnit.SECONDS).getValue());
        }

        assertRefused("", "no token");
        assertRefused("not.a.token", "malformed token");
        assertRefused(token(new MACSigner(otherSecret), JWSAlgorithm.HS256, "app", nowMs + HOUR_MS),
            "bad token signature");
        assertRefused(token(new MACSigner(secret), JWSAlgorithm.HS256, "app", nowMs - 1000), "token expired at");
        assertRefused(token(new MACSigner(secret), JWSAlgorithm.HS256, null, nowMs + HOUR_MS), "no subject");
        final KeyPair pair = rsaKeyPair();
        assertRefused(token(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256, "app", nowMs + HOUR_MS),
            "signed with RS256");

        // the refused clients wrote nothing: the topic holds the one message of the client that was let in
        try (MagnetarClient client = client(token(new MACSigner(secret), JWSAlgorithm.HS256, "admin", 0)))
        {
            assertEquals(1, client.admin().topics().statsInternal(TOPIC).getEntriesAdded());
        }
    }

    @Test
    void shouldTakeRs256TokensSignedWithThePrivateKeyOfItsPublicKey() throws Exception
    {
        final KeyPair pair = rsaKeyPair();
        harness = new BrokerHarness(dataDir);
        harness.authenticator = TokenAuthenticator.rs256(pair.getPublic().getEncoded());
        harness.start();

        final long nowMs = System.currentTimeMillis();
        try (MagnetarClient client = client(
            token(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256, "app", nowMs + HOUR_MS));
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            assertNotNull(producer.send("rs256".getBytes()));
        }
        assertRefused(token(new RSASSASigner(rsaKeyPair().getPrivate()), JWSAlgorithm.RS256, "app", nowMs + HOUR_MS),
            "bad token signature");
        final byte[] secret = new byte[32];
        assertRefused(token(new MACSigner(secret), JWSAlgorithm.HS256, "app", nowMs + HOUR_MS), "signed with HS256");
    }

    private void assertRefused(final String token, final String reason)
    {
        final MagnetarClientException refused = assertThrows(MagnetarClientException.class, () -> client(token));
        assertEquals(MagnetarClientException.ErrorCode.AUTHENTICATION_ERROR, refused.errorCode(), refused.toString());
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private MagnetarClient client(final String token) throws MagnetarClientException
    {
        return MagnetarClient.builder().serviceUrl(harness.serviceUrl()).termLength(1024 * 1024).authToken(token)
            .build();
    }

    private static String token(
        final JWSSigner signer, final JWSAlgorithm algorithm, final String subject, final long expiresAtMs)
        throws Exception
    {
        final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject);
        if (expiresAtMs > 0)
        {
            claims.expirationTime(new Date(expiresAtMs));
        }
        final SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);

        return jwt.serialize();
    }

    private static KeyPair rsaKeyPair() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
