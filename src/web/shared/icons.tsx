/**
 * The icons of services and session kinds, for the field app and the office pages: SVG from lucide-preact, imported one by one (only these ship in the
 * bundle), so they look the same on every phone; emoji (the `icon` field of the server's service
 * catalogue) render as empty boxes on many older Android phones. A service the map does not know
 * (a province's new entry) gets the generic helping-hand icon.
 */
import { Armchair, CreditCard, FileSearch, HandHelping, House, IdCard, Landmark, Lightbulb, type LucideIcon, MessageCircle, Mountain, ShieldCheck, ShoppingCart, Smartphone, Stethoscope, Users } from 'lucide-preact';
import type { SessionKind as Kind } from '../../sessions/sessions.vocabulary.js';

/** Icon per service code of the catalogue (support_services.code). */
const SERVICE_ICONS: Record<string, LucideIcon> = {
  vneid: IdCard,
  vssid: ShieldCheck,
  public_services: Landmark,
  cashless: CreditCard,
  bills: Lightbulb,
  zalo: MessageCircle,
  ehealth: Stethoscope,
  procedure_lookup: FileSearch,
  ecommerce: ShoppingCart,
  digital_skills: Smartphone,
  son_la_smart: Mountain,
};

/** Icon per session kind (SESSION_KINDS). */
const KIND_ICONS: Record<Kind, LucideIcon> = { home: House, group: Users, help_desk: Armchair };

/** The icon of a service (by catalogue code), decorative (aria-hidden): the name is written next to it. */
export function ServiceIcon({ code, class: cls = 'svc-icon' }: { code: string; class?: string }) {
  const Icon = SERVICE_ICONS[code] ?? HandHelping;
  return <Icon class={cls} aria-hidden="true" />;
}

/** The icon of a session kind, decorative (aria-hidden). */
export function KindIcon({ kind }: { kind: string }) {
  const Icon = KIND_ICONS[kind as Kind] ?? HandHelping;
  return <Icon class="seg-icon" aria-hidden="true" />;
}
