package org.amavisd.core.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceivedTraceTest {
    @Test
    void theTcpInfoOfTheFromClauseComesFirst() {
        assertThat(ReceivedTrace.clientIp(
                        "from mx.example (mx.example [198.51.100.7]) by relay.example (Postfix) with ESMTP id 1"))
                .isEqualTo("198.51.100.7");
        assertThat(ReceivedTrace.clientIp("from [10.0.0.1] (helo [203.0.113.5]) by x with SMTP"))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void theHostLiteralAndIpv6AndBareQuadsAreFound() {
        assertThat(ReceivedTrace.clientIp("from [192.0.2.1] by x")).isEqualTo("192.0.2.1");
        assertThat(ReceivedTrace.clientIp("from host (host [IPv6:2001:DB8::25]) by x"))
                .isEqualTo("2001:db8::25");
        assertThat(ReceivedTrace.clientIp("from host (192.0.2.9) by x")).isEqualTo("192.0.2.9");
    }

    @Test
    void onlyTheFromClauseCounts() {
        assertThat(ReceivedTrace.clientIp("by gw.example (Postfix, from userid 0) id 1"))
                .isNull();
        assertThat(ReceivedTrace.clientIp("from localhost by mx (8.15.2 [192.0.2.3]) with SMTP"))
                .isNull();
    }

    @Test
    void theHeaderSummaryListsEveryReceivedClientTopDown() throws Exception {
        HeaderSummary h = HeaderSummary.read(new java.io.ByteArrayInputStream(
                ("Received: from a (a [198.51.100.7])\r\n\tby b; Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                                + "Received: by c id 1\r\n"
                                + "Received: from d (d [203.0.113.9]) by e\r\n\r\nbody\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertThat(h.receivedIps()).containsExactly("198.51.100.7", "203.0.113.9");
    }
}
