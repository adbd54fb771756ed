import type { createPostalServiceClient } from './registries/postal-service';

export function shipmentActivities(post: ReturnType<typeof createPostalServiceClient>) {
  return {
    /** Hands the licence to public post (bưu chính công ích); one shipment per dossier. */
    async createShipment(input: {
      reference: string;
      dossierCode: string;
      recipientName: string;
      phone: string;
      address: string;
    }): Promise<{ trackingNumber: string }> {
      return post.createShipment(input, `shipment-${input.reference}`);
    },
  };
}
