package org.amavisd.daemon;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.lookup.LookupChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of every message: resolves its policy bank (the port's bank from
 * %interface_policy, then @client_ipaddr_policy for the original client) and marks which
 * recipients are local (@local_domains_maps), then hands the message on. The bank travels with
 * the message as an attachment; the stages after this one read their settings from it.
 */
final class PolicyStage implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(PolicyStage.class);

    private final PolicyBanks banks;
    private final MessageProcessor next;

    PolicyStage(PolicyBanks banks, MessageProcessor next) {
        this.banks = banks;
        this.next = next;
    }

    @Override
    public void process(MessageContext msg) throws Exception {
        banks.beginMessage();
        List<String> warnings = new ArrayList<>();
        PolicyBank bank = banks.forPort(msg.session().localPort(), warnings);
        bank = banks.forClient(bank, msg.xforward().known("ADDR"), warnings);
        warnings.forEach(w -> log.warn(w));
        msg.attach(PolicyBank.class, bank);
        bank.names().forEach(msg::addPolicyBank);
        msg.setOriginating(bank.originating());
        LookupChain local = banks.chain(bank, "local_domains_maps");
        for (Recipient r : msg.recipients()) {
            r.setLocal(local.isTrue(PolicyBanks.key(bank, r.address().address())));
        }
        next.process(msg);
    }
}
