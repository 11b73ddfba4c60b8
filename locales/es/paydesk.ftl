# paydesk: lo que leen los clientes, en español. Los ids son los de locales/en/paydesk.ftl
# (los tests de `src/app/l10n.rs` comprueban que no falte ninguno).
# Los importes, números de caso y fechas llegan ya formateados por paydesk.

## Idiomas (la nota para un idioma sin textos se da siempre en inglés).

fallback-note = (Aún no podemos responder en { $language }, así que respondemos en inglés.)
language-en = inglés
language-es = español
language-pt = portugués
language-fr = francés
language-de = alemán
language-it = italiano
language-nl = neerlandés
language-zh = chino
language-ja = japonés

## Estados de un caso.

status-open = abierto y en revisión
status-awaiting_info = a la espera de datos tuyos
status-awaiting_approval = a la espera de que un responsable apruebe un reembolso
status-resolved = resuelto
status-rejected = cerrado: el reembolso fue rechazado
status-escalated = escalado a un responsable
status-closed = cerrado
case-status = Tu caso { $case } ahora está { $status }.

## De qué trata un caso.

topic-refund_request = solicitud de reembolso
topic-wallet_not_applied = saldo del monedero no aplicado
topic-duplicate_charge = cobro duplicado
topic-wrong_amount = importe incorrecto
topic-payment_failed = pago fallido
topic-payment_pending = pago pendiente
topic-refund_status = estado de un reembolso
topic-wallet_balance = saldo del monedero
topic-buy_credits = compra de créditos
topic-auto_recharge = recarga automática
topic-transfer_credits = transferencia de créditos
topic-dispute = disputa
topic-cancel_subscription = cancelación de suscripción
topic-escalate = escalado
topic-ticket_status = estado de un caso
topic-update_payment_method = cambio de método de pago
topic-other = otro asunto

## La pregunta de vuelta cuando el bot no está seguro.

question-intro = Quiero asegurarme de entenderte. ¿Quieres decir que
question-choice = { $number }. { $reading }
question-outro = Responde con el número.
reading-refund_request = quieres un reembolso
reading-wallet_not_applied = elegiste pagar con saldo del monedero pero se cobró a tu tarjeta
reading-duplicate_charge = se te cobró más de una vez por una sola compra
reading-wrong_amount = se te cobró un importe distinto del precio
reading-payment_failed = un pago fue rechazado o no se completó
reading-payment_pending = pagaste pero el pago sigue pendiente
reading-refund_status = preguntas dónde está un reembolso
reading-wallet_balance = quieres saber el saldo de tu monedero
reading-buy_credits = quieres comprar créditos
reading-auto_recharge = quieres activar, cambiar o detener la recarga automática
reading-transfer_credits = quieres pasar créditos a otra cuenta
reading-dispute = no autorizaste un cobro
reading-cancel_subscription = quieres cancelar una suscripción
reading-escalate = quieres que lo revise alguien con más autoridad
reading-ticket_status = preguntas por un caso abierto
reading-update_payment_method = quieres cambiar tu método de pago
reading-other = otra cosa

## Respuestas sin caso.

card-number-removed = Por favor, nunca escribas un número de tarjeta completo en el chat: lo he quitado de tu mensaje y no lo he guardado. Solo necesitamos los cuatro últimos dígitos.
case-limit = Has abierto { $opened } { $opened ->
        [one] caso
       *[other] casos
    } en la última hora; espera un poco antes de abrir otro.
thanks = ¡De nada! Aquí estoy si surge algo más con un cobro, un reembolso o tu monedero.
greeting = Soy el bot de soporte de pagos. Cuéntame qué pasó con un cobro (por ejemplo "me cobraron dos veces la factura INV-…") y abriré un caso, o pregúntame por el saldo de tu monedero, los créditos o un reembolso.
credits-not-transferable = Los créditos no se pueden transferir entre cuentas, así que no puedo moverlos. Si compraste créditos en la cuenta equivocada por error, dime qué cobro fue y un agente lo revisará.
update-payment-method = Puedes sustituir la tarjeta guardada en Facturación → Métodos de pago de tu panel; la nueva tarjeta se usará a partir del próximo cobro. Por favor, nunca escribas números de tarjeta aquí.
no-account = Todavía no veo ninguna cuenta de facturación vinculada a ti. Dime el correo o el id de cuenta con el que te registraste y un agente la vinculará.
wallet-balance = El saldo del monedero de { $account } es { $balances }.
credits-not-sold = Todavía no puedo vender créditos en { $currency }: { $why }.
credits-price = { $credits } créditos añaden { $value } a tu monedero y cuestan { $total } ({ $cost } más una comisión de plataforma de { $fee }). Para comprarlos, escribe /wallet buy { $credits }.
credits-price-each = Cada crédito añade { $value } a tu monedero y cuesta { $price }, más una comisión de plataforma del { $percent } %. Escribe /wallet buy <créditos> para comprar, p. ej. /wallet buy 10.
credits-bought = Has comprado { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    }: se añadieron { $value } a tu monedero y se cobraron { $total } a tu tarjeta ({ $cost } más una comisión de plataforma de { $fee }, cobro { $charge }). Tu saldo ahora es { $balance }.
auto-recharge-on = La recarga automática está activada para { $account }: cuando el uso deja tu saldo por debajo de { $below }, se compran { $credits } créditos de una vez (se cobran { $total } y se añaden { $value }). Un agente puede cambiarla o detenerla: solo dilo aquí.
auto-recharge-unpriced = La recarga automática está configurada para { $account }, pero { $why }.
auto-recharge-off = La recarga automática está desactivada para { $account }. Puede comprar créditos automáticamente cuando tu saldo baje de un umbral que elijas; dime el umbral y cuántos créditos, y un agente la configurará.

auto-recharge-bought = Tu monedero bajó de { $below }, así que la recarga automática compró { $credits } créditos: se cobraron { $total } a tu tarjeta ({ $cost } más una comisión de plataforma de { $fee }, cobro { $charge }) y se añadieron { $value }. Tu saldo ahora es { $balance }.
usage-refused = { $conversations ->
        [one] { $conversations } conversación no se cobró
       *[other] { $conversations } conversaciones no se cobraron
    }: el monedero de { $account } tiene { $balance } y no puede quedar por debajo de cero. Compra créditos con /wallet buy <créditos>.

## Casos.

case-added = He añadido esto a tu caso { $case }.
case-opened = He abierto el caso { $case } para ti ({ $topic }).
case-added-unlinked = He añadido esto a tu caso { $case }. Un agente aún tiene que vincular tu usuario de chat a tu cuenta de facturación.
case-opened-unlinked = He abierto el caso { $case } ({ $topic }). Todavía no veo ninguna cuenta de facturación vinculada a ti: dime el correo o el id de cuenta con el que te registraste y un agente la vinculará.
link-passed-on = Gracias: he pasado { $given } a un agente, que lo comprobará y vinculará tu usuario de chat a tu cuenta de facturación. Te responderemos aquí.
linked-now = Tu usuario de chat ya está vinculado a la cuenta { $account }; un agente ya puede ver tus cobros para el caso { $case }.
case-about-charge = Se trata del cobro { $charge }.
charge-summary = { $id } — { $amount } del { $date }
charge-description = { $description }
charge-card = tarjeta terminada en { $last4 }
charge-paid-by = pagado con { $method }
charge-not-found = No encuentro ningún cobro { $reference } en tu cuenta.
which-charge = ¿De qué cobro se trata? Responde con su id de transacción, el número de factura, o su fecha e importe.
no-charges-yet = Todavía no veo cobros en tu cuenta.
recent-charges = Tus cobros recientes:
recent-charge = • { $charge }
charge-payment-check = He encontrado el cobro { $charge }. Un agente comprobará el estado del pago con el proveedor y te responderá aquí.
charge-disputed = Cobro { $charge }: { $explanation }.
charge-eligible = Cobro { $charge }: según nuestra política es { $explanation }. Un agente lo revisará; se te informará aquí de cada paso.
charge-refused = Cobro { $charge }: según nuestra política { $explanation }. Un agente leerá igualmente tu caso y te responderá aquí.
chargeback-explained = Sobre una devolución de cargo (chargeback): es una disputa que abres con tu banco. El banco retiene el dinero mientras investiga, lo que suele llevar semanas, y mientras esté abierta no podemos reembolsar ese cobro aquí. Un reembolso nuestro vuelve directamente a tu tarjeta, normalmente en 5–10 días hábiles. Si aún no has abierto una disputa, podemos estudiar primero un reembolso. Un responsable se hace cargo de tu caso ahora.
no-case-found = No encuentro ningún caso { $case } en tu cuenta.
ticket-status = Tu caso { $case } ({ $topic }) está { $status }. Última actualización: { $updated }.
ticket-status-charge = Tu caso { $case } ({ $topic }) está { $status }, sobre el cobro { $charge }. Última actualización: { $updated }.
no-case-yet = Todavía no tienes ningún caso con nosotros. Cuéntame qué pasó con tu pago y abriré uno.
already-with-lead = Tu caso { $case } ya lo tiene un responsable; te responderá aquí.
lead-takes-it = Un responsable se encargará a partir de ahora.
nothing-to-escalate = No tienes ningún caso abierto que escalar. Cuéntame qué pasó con tu pago y abriré uno enseguida.
support-message = Mensaje de nuestro equipo de soporte sobre { $case }: { $text }

## Por qué cambió un caso.

why-chargeback-open = El cobro tiene una devolución de cargo abierta, así que un responsable se hace cargo.
why-chargeback-with-bank = El cobro tiene una devolución de cargo abierta con el banco, así que un responsable se hace cargo del caso.
why-bank-dispute = El banco abrió una disputa (devolución de cargo) sobre este cobro, así que un responsable se hace cargo del caso.
why-refund-on-hold = El cobro está en disputa con tu banco, así que el reembolso queda en espera y un responsable se hace cargo del caso.
why-approval-timed-out = La solicitud de reembolso no se aprobó a tiempo; un agente hará el seguimiento.
why-auto-approved = Se aprobó automáticamente un reembolso de { $amount } y se está pagando.
why-agent-requested = Un agente ha solicitado para ti un reembolso de { $amount }.
why-provider-not-confirmed = El proveedor de pagos aún no ha confirmado el reembolso; un responsable lo está vigilando.
why-provider-not-finished = El proveedor de pagos aún no ha terminado el reembolso; un responsable le está haciendo seguimiento.
why-refund-not-sent = No pudimos enviar el reembolso a través del proveedor de pagos; un responsable lo está revisando.

## Reembolsos.

refund-status-line = El reembolso de { $amount } por { $charge } ({ $case }) { $state }.
refund-state-awaiting_approval = está a la espera de la aprobación de un responsable
refund-state-paying = está aprobado y en proceso de pago
refund-state-sent = se envió; los reembolsos a tarjeta suelen aparecer en el extracto en 5–10 días hábiles
refund-state-sent-on = se envió el { $date }; los reembolsos a tarjeta suelen aparecer en el extracto en 5–10 días hábiles
refund-state-failed = no se pudo pagar; un agente lo está revisando
refund-state-rejected = no fue aprobado
refund-state-expired = caducó antes de ser aprobado; un agente hará el seguimiento
refund-state-on_hold = está en espera porque el cobro está en disputa con tu banco; un responsable se encarga
refund-state-reversed = se envió pero el proveedor de pagos lo devolvió; un responsable lo está revisando
no-refund-yet = Todavía no se ha solicitado ningún reembolso en tu caso { $case }, que está { $status }.
no-refund-found = No encuentro ninguna solicitud de reembolso tuya. Si quieres una, dime qué cobro y por qué.
refund-sent = Tu reembolso de { $amount } por el cobro { $charge } se ha enviado. Se emitió una nota de crédito; los reembolsos a tarjeta suelen aparecer en el extracto en 5–10 días hábiles.
refund-sent-to-card = Tu reembolso de { $amount } por el cobro { $charge } se ha enviado a la tarjeta terminada en { $last4 }. Se emitió una nota de crédito; los reembolsos a tarjeta suelen aparecer en el extracto en 5–10 días hábiles.
refund-returned = Tu reembolso de { $amount } por el cobro { $charge } finalmente no se completó: el proveedor de pagos lo devolvió. La nota de crédito se anuló y un responsable lo está revisando; no tienes que hacer nada.
request-ended = La solicitud de reembolso de { $amount } por el cobro { $charge } { $how }.
request-not-approved = no fue aprobada
request-not-as-asked = no pudo seguir adelante tal como se pidió; un agente hará el seguimiento
nothing-refunded = No se ha reembolsado nada en este caso.
so-far = Hasta ahora en este caso: { $parts }.
so-far-refunded = { $amounts } reembolsado
so-far-paying = { $amounts } en proceso de pago
so-far-waiting = { $amounts } a la espera de aprobación
and = { $first } y { $second }

## La política de reembolsos.

rule = regla { $number } ({ $name })
eligible = apto para un reembolso de { $amount } según la { $rule }: { $why }
eligible-in-window = está dentro del plazo de reembolso (la comisión de plataforma no se reembolsa)
eligible-months-left = se reembolsan los meses completos que quedan del plan; los meses ya empezados no
eligible-wallet-not-applied = se cobró a la tarjeta aunque se había elegido el monedero, así que se reembolsa íntegro, comisión incluida
eligible-duplicate = duplica un cobro anterior, así que se reembolsa íntegro, comisión incluida
eligible-allowed = la política lo permite
not-refundable = no es reembolsable según la { $rule }: { $why }
refusal-wrong-currency = el cobro se hizo en { $currency }, así que no se puede pedir un reembolso en { $asked }
refusal-disputed = este cobro tiene una devolución de cargo abierta con el banco, así que no se puede reembolsar aquí; el caso pasa a un responsable
refusal-too-old = el cobro tiene { $age } días y los reembolsos a tarjeta terminan a los { $limit } días; la alternativa es un crédito de cortesía en el monedero
refusal-credits = las compras de créditos no son reembolsables una vez hechas (salvo que no se aplicara el monedero o el cobro fuera un duplicado)
refusal-outside-window = los cobros de productos solo son reembolsables dentro de { $days } días
refusal-no-months-left = no queda ningún mes completo del plan por reembolsar
refusal-nothing-left = ya se ha reembolsado íntegro (o el resto está a la espera de aprobación)
refusal-above-left = { $asked } es más de lo que queda por reembolsar, { $left }
refusal-finer-than-unit = { $asked } es más fino que la unidad más pequeña de { $currency } ({ $decimals } decimales)

## Los comandos del propio cliente (el personal los lee en inglés).

help-commands = Comandos:
help-view-wallet = /wallet [cuenta]  (clientes: la suya)
help-buy-credits = /wallet buy <créditos>
help-view-case = /ticket <id-de-caso>  (clientes: los suyos)
help-help = /help
wallet-no-account = No hay ninguna cuenta vinculada a ti. Uso: { $usage }
no-such-account = No existe la cuenta { $account }.
wallet-buy-no-account = No hay ninguna cuenta vinculada a ti, así que no hay monedero para el que comprar créditos.
credits-not-bought = No se compraron créditos: { $why }.
case-not-found = No encuentro el caso { $case }.
ticket-card = { $case } — { $intent } — { $state }
ticket-card-account = cuenta { $account }, cliente { $customer }
ticket-card-charge = cobro { $charge }
ticket-card-refund = reembolso de { $amount } ({ $rule }): { $state }
ticket-card-refund-approved = reembolso de { $amount } ({ $rule }): { $state }, aprobado por { $approvers }
ticket-card-dates = abierto el { $opened }, actualizado el { $updated }
ticket-card-history = historial:

## Créditos comprados en la página de un proveedor (por mensaje privado, salvo la primera respuesta).

purchase-pay-on-page = Para comprar { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } ({ $cost } más una comisión de plataforma de { $fee }: { $total }) pagas en la página de pago de { $provider }; nunca pido números de tarjeta. Te envío el enlace por mensaje privado. Se añadirán { $value } a tu monedero cuando { $provider } confirme el pago.
purchase-link = Paga { $total } por { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } en la página de { $provider }: { $url } — el enlace funciona hasta el { $expires } UTC. Tu monedero se recargará cuando { $provider } confirme el pago; si no pagas, no se cobra nada.
purchase-paid = Pago recibido: has comprado { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    }, se añadieron { $value } a tu monedero y se cobraron { $total } a tu tarjeta (cobro { $charge }). Tu saldo ahora es { $balance }.
purchase-paid-late = Tu pago llegó después de que caducara el enlace, pero se cobró, así que cuenta.
purchase-why-failed = el pago no se llegó a realizar ({ $reason })
purchase-why-expired = el enlace de pago caducó antes de que se pagara
purchase-not-completed = Tu compra de { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } no se completó: { $why }. No se cobró nada y no se añadió nada a tu monedero. Vuelve a comprar con /wallet buy { $credits }.
auto-recharge-not-charged = La recarga automática no pudo cobrar { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } a tu tarjeta guardada: { $why }. No se cobró nada y no se añadió nada a tu monedero. Compra créditos con /wallet buy { $credits } y paga en la página de { $provider }.
auto-recharge-cannot-charge = La recarga automática está activada para { $account }, pero paydesk no puede cobrar una tarjeta guardada a través de { $provider }, así que no se cobró nada ni se compraron créditos. Compra créditos con /wallet buy <créditos>.
auto-recharge-no-card = La recarga automática está activada para { $account }, pero no hay ninguna tarjeta guardada en { $provider } a la que cobrar, así que no se cobró nada ni se compraron créditos. Compra créditos una vez con /wallet buy <créditos> y paga en la página de { $provider }: así la tarjeta queda guardada para la recarga automática.
auto-recharge-under-way = Tu monedero está por debajo de { $below }; la recarga automática ya en curso añadirá los créditos cuando { $provider } confirme el pago.
auto-recharge-nobody-linked = La recarga automática está activada para { $account }, pero no hay nadie vinculado a la cuenta a quien avisar del cobro, así que no se cobró nada.
auto-recharge-charging = Tu monedero bajó de { $below }, así que la recarga automática está cobrando { $total } a tu tarjeta guardada por { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } ({ $cost } más una comisión de plataforma de { $fee }). Se añadirán { $value } a tu monedero cuando { $provider } confirme el pago.
purchase-amount-unreadable = ningún importe que paydesk pueda leer
purchase-amount-mismatch = Tu pago de { $credits } { $credits ->
        [one] crédito
       *[other] créditos
    } llegó como { $taken }, pero la compra era de { $total }, así que no se añadió nada a tu monedero. Nuestro equipo ya está avisado y reembolsará el pago o añadirá los créditos ({ $case }); por favor, no vuelvas a pagar.

## Rechazos que puede encontrar un cliente. Las palabras que vienen de fuera de paydesk
## (las del proveedor de pagos, las del almacén, lo que escribió la persona) llegan tal cual,
## en inglés si lo están: se dice de quién son y se citan.

## Un comando que no se pudo leer, y luego "uso: …".

command-empty = un comando vacío
command-unknown = comando desconocido /{ $name }
command-which-case = ¿qué caso? indica su número, como RF-000012
command-which-request = ¿qué caso? indica su número, como RF-000012 (o RF-000012#2 para su segunda solicitud)
command-not-request-number = `#{ $given }` no es un número de solicitud (la primera solicitud del caso es la #1)
bad-case-number = `{ $given }` no es un número de caso (tienen la forma RF-000012)
command-amount-refused = importe no aceptado: { $why }
command-reply-needs = reply necesita un caso y el texto para el cliente
command-link-needs = link necesita un usuario y una cuenta
command-unlink-needs = unlink necesita el usuario
command-refund-what = ¿reembolsar qué? indica un id de cobro o un número de caso
command-override-needs-amount = una excepción a la política necesita el importe: /refund <id-de-cobro|id-de-caso> <importe> override <motivo…>
command-override-needs-reason = una excepción a la política necesita un motivo
command-goodwill-needs-reason = un crédito de cortesía necesita un motivo
command-wallet-credit-needs = wallet credit necesita una cuenta, un importe y un motivo
command-not-credits = `{ $given }` no es un número de créditos (un número entero de 1 a { $max })
command-wallet-buy-needs = wallet buy necesita el número de créditos
command-wallet-too-many-words = demasiadas palabras para /wallet
command-ticket-change-words = para cambiar un caso escribe close, escalate o reopen
usage-line = uso: { $usage }
usage-refund = /refund <id-de-cobro|id-de-caso> [importe] [motivo…]  ·  /refund <id-de-cobro|id-de-caso> <importe> override <motivo…>
usage-approve = /approve <id-de-caso>[#n]  ·  /reject <id-de-caso>[#n] [motivo…]
usage-reply = /reply <id-de-caso> <texto…>  (decir algo al cliente del caso; las notas de /ticket son internas)
usage-wallet = /wallet [cuenta]  ·  /wallet credit <cuenta> <importe> <motivo…>  ·  /wallet buy <créditos>
usage-ticket = /ticket <id-de-caso>  ·  /ticket close|escalate|reopen <id-de-caso> [nota…]
usage-link = /link <usuario> <cuenta>  ·  /unlink <usuario>

## Un importe tal como se escribió.

amount-empty = falta un importe
amount-malformed = `{ $given }` no es un importe: escribe cifras con un `.` opcional y decimales, como 12.50
amount-negative = `{ $given }` es negativo: los importes se escriben sin signo
amount-exponent = `{ $given }` no es un importe: no se acepta la notación científica, escribe todas las cifras
amount-too-many-decimals = `{ $given }` tiene demasiados decimales (como mucho { $decimals })
amount-too-large = `{ $given }` es demasiado grande (lo máximo que acepta el bot es { $max })
amount-zero = el importe debe ser mayor que cero
amount-unknown-currency = moneda desconocida `{ $given }` (usa un código ISO 4217 como USD, EUR o JPY)

## Un comando denegado: quién puede hacer qué.

denied-role = { $act } corresponde a { $who }
denied-conflict-of-interest = { $act } no está permitido en una cuenta vinculada a ti: debe encargarse otro miembro del equipo
denied-own-account-only = { $act } solo es posible en tu propia cuenta
act-request_refund = solicitar un reembolso
act-override_policy = hacer una excepción a la política
act-approve_refund = aprobar reembolsos
act-reject_refund = rechazar reembolsos
act-view_wallet = ver un monedero
act-credit_goodwill = dar un crédito de cortesía
act-buy_credits = comprar créditos
act-view_case = ver un caso
act-change_case = cambiar un caso
act-link_user = vincular usuarios a cuentas
act-reply_to_customer = responder a un cliente
act-see_queue = ver la cola
act-help = ver la ayuda
who-everyone = todos
who-customers-own-account = los clientes, en su propia cuenta
who-agents-and-leads = los agentes y los responsables
who-leads = los responsables
who-agents = los agentes
who-nobody = nadie

## Una moneda sin ajustes de dinero.

unconfigured-currency = esta instalación no tiene ajustes de dinero para { $currency } ([policy.currencies.{ $currency }] en bot.toml), así que aquí no se puede reembolsar, abonar ni comprar nada en { $currency }; un responsable puede añadirlos

## Por qué no se cobró un pago de créditos ($words: las palabras del propio proveedor, en inglés).

failure-card-declined = la tarjeta fue rechazada
failure-insufficient-funds = la tarjeta fue rechazada por fondos insuficientes
failure-card-declined-because = la tarjeta fue rechazada; el proveedor de pagos da este motivo, en inglés: «{ $words }»
failure-expired-card = la tarjeta guardada ha caducado
failure-authentication-required = tu banco pide que confirmes el pago tú mismo
failure-cancelled = el pago se canceló
failure-reported-failed = { $provider } informa de que el pago falló
failure-reported-declined = { $provider } informa de que el pago fue rechazado
failure-provider-says = el proveedor de pagos lo explica así, en inglés: «{ $words }»
failure-page-refused = no se pudo crear la página de pago; el proveedor de pagos dice, en inglés: «{ $words }»
failure-page-not-made-in-time = { $provider } no pudo crear la página de pago a tiempo
failure-capture-refused = no se pudo cobrar el pago; el proveedor de pagos dice, en inglés: «{ $words }»
failure-no-saved-method = no hay ningún método de pago guardado
failure-no-answer = { $provider } no respondió sobre el cobro (el error, en inglés: «{ $error }»)
failure-not-confirmed-in-time = { $provider } no confirmó el cobro a tiempo

## Una escritura que el almacén rechazó ($why: sus propias palabras, en inglés).

nothing-changed = No se cambió nada: el sistema no pudo guardar el cambio y da este motivo, en inglés: «{ $why }».

## Un crédito de cortesía, comunicado a los clientes de la cuenta ($reason: las palabras del equipo).

goodwill-credited = Hemos añadido { $amount } a tu monedero como crédito de cortesía (motivo: { $reason }). Tu saldo ahora es { $balance }.
