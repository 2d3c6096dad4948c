// SOAP faults from vCenter and how they map onto the provider's gRPC codes (PROVIDER-API.md).
import { ProviderError, type ProviderErrorCode } from '@virtrigaud/provider-sdk';
import { childText, type XmlNode, xsiType } from './xml';

/** A vim25 fault: `faultType` is the MethodFault subtype (InvalidLogin, InvalidPowerState, ...). */
export class SoapFault extends Error {
  constructor(
    readonly faultType: string,
    message: string,
  ) {
    super(message);
    this.name = 'SoapFault';
  }
}

/** Reads a soapenv:Fault element: the type from the detail's xsi:type, the text from faultstring. */
export function parseFault(fault: XmlNode): SoapFault {
  const detailKey =
    typeof fault === 'string' ? undefined : Object.keys(fault).find((k) => k.endsWith('detail'));
  const detail = detailKey && typeof fault !== 'string' ? fault[detailKey] : undefined;
  let faultType = 'SystemError';
  if (detail && typeof detail === 'object' && !Array.isArray(detail)) {
    const [elementName, element] = Object.entries(detail)[0] ?? [];
    const fromElement = elementName?.replace(/^.*:/, '').replace(/Fault$/, '');
    faultType = xsiType(element as XmlNode) ?? fromElement ?? faultType;
  }
  const message = childText(fault, 'faultstring')?.trim() || faultType;
  return new SoapFault(faultType, message);
}

/** Which faults (and fault families) mean which gRPC code. Anything else is INTERNAL. */
const FAULT_CODES: Record<string, ProviderErrorCode> = {
  InvalidLogin: 'UNAUTHENTICATED',
  NotAuthenticated: 'UNAUTHENTICATED',
  NoPermission: 'PERMISSION_DENIED',
  RestrictedVersion: 'PERMISSION_DENIED',
  ManagedObjectNotFound: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  FileNotFound: 'NOT_FOUND',
  InvalidPowerState: 'FAILED_PRECONDITION',
  InvalidState: 'FAILED_PRECONDITION',
  TaskInProgress: 'FAILED_PRECONDITION',
  ToolsUnavailable: 'FAILED_PRECONDITION',
  NotSupported: 'FAILED_PRECONDITION',
  DuplicateName: 'ALREADY_EXISTS',
  AlreadyExists: 'ALREADY_EXISTS',
  FileAlreadyExists: 'ALREADY_EXISTS',
  InvalidArgument: 'INVALID_ARGUMENT',
  InvalidRequest: 'INVALID_ARGUMENT',
  InvalidName: 'INVALID_ARGUMENT',
  InvalidDatastorePath: 'INVALID_ARGUMENT',
  InsufficientResourcesFault: 'RESOURCE_EXHAUSTED',
  OutOfBounds: 'INVALID_ARGUMENT',
  HostCommunication: 'UNAVAILABLE',
  HostNotConnected: 'UNAVAILABLE',
  RequestCanceled: 'UNAVAILABLE',
};

export function faultCode(faultType: string): ProviderErrorCode {
  return FAULT_CODES[faultType] ?? 'INTERNAL';
}

/**
 * The ProviderError for a fault seen while doing `what`. vCenter fault strings name objects and
 * states, never the session's password, so they are kept for the user; InvalidLogin gets a fixed
 * text because some servers echo the user name.
 */
export function toProviderError(fault: SoapFault, what: string): ProviderError {
  const code = faultCode(fault.faultType);
  if (fault.faultType === 'InvalidLogin') {
    return new ProviderError(code, `${what}: vCenter rejected the configured username/password`);
  }
  return new ProviderError(code, `${what}: ${fault.faultType}: ${fault.message}`);
}
