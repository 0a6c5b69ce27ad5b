#include "core/booking/statemachines.h"

#include <QTest>

using namespace Boxoffice::Core;

Q_DECLARE_METATYPE(SeatState)
Q_DECLARE_METATYPE(SeatEvent)
Q_DECLARE_METATYPE(HoldState)
Q_DECLARE_METATYPE(HoldEvent)
Q_DECLARE_METATYPE(OrderState)
Q_DECLARE_METATYPE(OrderEvent)

// Every (state, event) pair of every machine is a row: the legal ones name their target,
// all others must be refused. The expected tables are written out here independently of
// statemachines.cpp, so a changed rule shows up as a failing row.
class TestStateMachines : public QObject
{
    Q_OBJECT

private slots:
    void seat_data()
    {
        QTest::addColumn<SeatState>("from");
        QTest::addColumn<SeatEvent>("event");
        QTest::addColumn<int>("expected"); // -1: illegal
        const QList<SeatState> states{SeatState::Available, SeatState::Held, SeatState::Sold,
                                      SeatState::RefundPending};
        const QList<SeatEvent> events{SeatEvent::Hold,          SeatEvent::Release,
                                      SeatEvent::Expire,        SeatEvent::Sell,
                                      SeatEvent::RequestRefund, SeatEvent::CompleteRefund,
                                      SeatEvent::RejectRefund,  SeatEvent::Revoke};
        auto legal = [](SeatState s, SeatEvent e) -> int {
            using S = SeatState;
            using E = SeatEvent;
            if (s == S::Available && e == E::Hold)
                return int(S::Held);
            if (s == S::Held && (e == E::Release || e == E::Expire))
                return int(S::Available);
            if (s == S::Held && e == E::Sell)
                return int(S::Sold);
            if (s == S::Sold && e == E::RequestRefund)
                return int(S::RefundPending);
            if (s == S::RefundPending && e == E::CompleteRefund)
                return int(S::Available);
            if (s == S::RefundPending && e == E::RejectRefund)
                return int(S::Sold);
            if (s == S::Sold && e == E::Revoke)
                return int(S::Available);
            return -1;
        };
        for (SeatState s : states) {
            for (SeatEvent e : events) {
                QTest::addRow("%s-event%d", qPrintable(wireName(s)), int(e))
                    << s << e << legal(s, e);
            }
        }
    }
    void seat()
    {
        QFETCH(SeatState, from);
        QFETCH(SeatEvent, event);
        QFETCH(int, expected);
        const auto to = nextState(from, event);
        QCOMPARE(to.has_value(), expected >= 0);
        if (to)
            QCOMPARE(int(*to), expected);
    }

    void hold_data()
    {
        QTest::addColumn<HoldState>("from");
        QTest::addColumn<HoldEvent>("event");
        QTest::addColumn<int>("expected");
        const QList<HoldState> states{HoldState::Active, HoldState::Expired, HoldState::Confirmed,
                                      HoldState::Released};
        const QList<HoldEvent> events{HoldEvent::Expire, HoldEvent::Confirm, HoldEvent::Release};
        for (HoldState s : states) {
            for (HoldEvent e : events) {
                int expected = -1;
                if (s == HoldState::Active) {
                    expected = e == HoldEvent::Expire    ? int(HoldState::Expired)
                               : e == HoldEvent::Confirm ? int(HoldState::Confirmed)
                                                         : int(HoldState::Released);
                }
                QTest::addRow("%s-event%d", qPrintable(wireName(s)), int(e)) << s << e << expected;
            }
        }
    }
    void hold()
    {
        QFETCH(HoldState, from);
        QFETCH(HoldEvent, event);
        QFETCH(int, expected);
        const auto to = nextState(from, event);
        QCOMPARE(to.has_value(), expected >= 0);
        if (to)
            QCOMPARE(int(*to), expected);
    }

    void order_data()
    {
        QTest::addColumn<OrderState>("from");
        QTest::addColumn<OrderEvent>("event");
        QTest::addColumn<int>("expected");
        using S = OrderState;
        using E = OrderEvent;
        const QList<S> states{S::Init,     S::PendingPay, S::Paid,
                              S::Ticketed, S::Cancelled,  S::Refunded};
        const QList<E> events{E::Submit, E::PaymentSucceeded,    E::IssueTickets,
                              E::Cancel, E::PaymentWindowClosed, E::Refund,
                              E::Void};
        auto legal = [](S s, E e) -> int {
            if (s == S::Init && e == E::Submit)
                return int(S::PendingPay);
            if (s == S::Init && e == E::Cancel)
                return int(S::Cancelled);
            if (s == S::PendingPay && e == E::PaymentSucceeded)
                return int(S::Paid);
            if (s == S::PendingPay && (e == E::Cancel || e == E::PaymentWindowClosed))
                return int(S::Cancelled);
            if (s == S::Paid && e == E::IssueTickets)
                return int(S::Ticketed);
            if ((s == S::Paid || s == S::Ticketed) && e == E::Refund)
                return int(S::Refunded);
            if ((s == S::PendingPay || s == S::Paid || s == S::Ticketed) && e == E::Void)
                return int(S::Cancelled);
            return -1;
        };
        for (S s : states) {
            for (E e : events)
                QTest::addRow("%s-event%d", qPrintable(wireName(s)), int(e))
                    << s << e << legal(s, e);
        }
    }
    void order()
    {
        QFETCH(OrderState, from);
        QFETCH(OrderEvent, event);
        QFETCH(int, expected);
        const auto to = nextState(from, event);
        QCOMPARE(to.has_value(), expected >= 0);
        if (to)
            QCOMPARE(int(*to), expected);
    }

    void wireNamesRoundTrip()
    {
        for (int i = 0; i < 4; ++i) {
            const auto s = seatStateFromInt(i);
            QVERIFY(s);
            QCOMPARE(seatStateFromWireName(wireName(*s)), s);
            const auto h = holdStateFromInt(i);
            QVERIFY(h);
            QCOMPARE(holdStateFromWireName(wireName(*h)), h);
        }
        for (int i = 0; i < 6; ++i) {
            const auto o = orderStateFromInt(i);
            QVERIFY(o);
            QCOMPARE(orderStateFromWireName(wireName(*o)), o);
        }
        QVERIFY(!seatStateFromInt(4));
        QVERIFY(!seatStateFromInt(-1));
        QVERIFY(!holdStateFromInt(4));
        QVERIFY(!orderStateFromInt(6));
        QVERIFY(!seatStateFromWireName(u"available"));
        QCOMPARE(wireName(SeatState::RefundPending), QStringLiteral("REFUND_PENDING"));
        QCOMPARE(wireName(OrderState::PendingPay), QStringLiteral("PENDING_PAY"));
    }
};

QTEST_APPLESS_MAIN(TestStateMachines)
#include "tst_statemachines.moc"
