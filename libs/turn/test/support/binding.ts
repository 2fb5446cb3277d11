import { StunClass, StunMessageBuilder, StunMethod } from '@shoal/turn';

export function bindingRequest(): StunMessageBuilder {
  return StunMessageBuilder.of(StunMethod.Binding, StunClass.Request);
}
