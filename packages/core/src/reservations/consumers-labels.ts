import type { KnownConsumer } from './types';

/** Software that labels packets for a security module (secmark) rather than claiming mark bits. */
export const LABEL_CONSUMERS: readonly KnownConsumer[] = [
  {
    id: 'selinux-secmark',
    name: 'SELinux packet labelling (SECMARK)',
    bits: [],
    marks: [],
    overwritesWholeMark: [],
    setsSrcValidMark: false,
    labels: {
      where:
        'iptables security table INPUT/OUTPUT (or an nft table with secmark objects at the security priority)',
      meaning:
        'new connections labelled with SECMARK --selctx and saved with CONNSECMARK --save; ESTABLISHED,RELATED packets restored with CONNSECMARK --restore, so the first label saved to a connection sticks to it',
    },
    notes:
      'A packet carries one label: a later SECMARK replaces an earlier one, and CONNSECMARK saves only into an unlabelled connection and restores only into an unlabelled packet. Policy modules then allow or deny by packet type (allow httpd_t http_server_packet_t:packet recv).',
    source:
      'SELinuxProject/selinux-notebook src/network_support.md (SECMARK: security table and nftables examples); kernel net/netfilter/xt_CONNSECMARK.c',
    verified: true,
  },
];
