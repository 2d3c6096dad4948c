/** On a VirtualMachine: the VMClone that is still producing it (the VM controller waits). */
export const CLONE_PENDING_ANNOTATION = 'infra.virtrigaud.io/clone-pending';
