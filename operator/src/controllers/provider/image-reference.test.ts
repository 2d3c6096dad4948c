import { imageReferenceProblem } from './image-reference';

describe('imageReferenceProblem', () => {
  it.each([
    'ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.2.0',
    'provider-mock',
    'localhost:5000/team/provider_mock:1.0',
    `registry.example.com/p@sha256:${'a'.repeat(64)}`,
  ])('accepts %s', (ref) => expect(imageReferenceProblem(ref)).toBeUndefined());

  it.each([
    'ghcr.io//provider',
    'ghcr.io/Team/provider:v1',
    'provider:',
    'provider:tag:more',
    'provider-',
  ])('rejects %s with a message that says what is expected', (ref) =>
    expect(imageReferenceProblem(ref)).toMatch(/not a valid image reference.*repository/),
  );
});
